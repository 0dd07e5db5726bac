/**
 * Live-privacy phase, during the calls: a few agents suspend and resume the recording of a call
 * in progress through the privacy API (against the Connect stand-in).
 */
import { ROUTE_KEYS } from '../../../lambda/privacy/privacy';
import type { SimLeg, SimulationContext } from '../run';
import { type MonthRun, servicesOf } from './month-run';
import { apiEvent, type Persona } from './people';

/** runSimulation's `onDecided` hook: suspends and resumes the chosen recorded first legs. */
export async function suspendLive(
  m: MonthRun,
  ctx: SimulationContext,
  leg: SimLeg,
  answer: Record<string, string>,
): Promise<void> {
  if (answer.record !== 'true' || leg.transferred || leg.previousContactId) return;
  if (!m.suspends(leg.contactId)) return;
  const { privacy } = servicesOf(m, ctx.stack);
  const identity = m.options.policy.identity;
  const who: Persona = { role: 'agent', connectUserId: leg.agent.id };
  const params = { contactId: leg.contactId };
  const s = await privacy.handle(apiEvent(identity, who, ROUTE_KEYS.suspend, params));
  const r = await privacy.handle(apiEvent(identity, who, ROUTE_KEYS.resume, params));
  m.stats.suspensions.push({
    contactId: leg.contactId,
    suspend: s.statusCode,
    resume: r.statusCode,
    connectEvents: ctx.stack.connect.standIn.recording(leg.contactId).events.map((e) => e.action),
  });
}
