/**
 * Arrivals phase, after the calls, in simulated time order: Connect writes a small WAV for every
 * recorded leg (plus two unauthorized files) → ingest; the handling agents ask for deletions and
 * redactions, some before their file arrives and some after.
 *
 * Ingest and the recording actions run their cores with the deps their handlers build, on an
 * in-process versioned bucket (s3rver has no versioning); the privacy API hands work to the
 * recording actions through a Lambda invoke, done in process here.
 */

import { type IngestDeps, ingestObject } from '../../../lambda/ingest/ingest';
import { createDecisionRecovery } from '../../../lambda/ingest/recovery';
import { ROUTE_KEYS } from '../../../lambda/privacy/privacy';
import { type ActionDeps, applyRequest } from '../../../lambda/shared/apply-request';
import { createAuditLog } from '../../../lambda/shared/audit-log';
import { scanAll } from '../../../lambda/shared/dynamo';
import { createS3RecordingObjects } from '../../../lambda/shared/recording-objects';
import { createRecordingStore } from '../../../lambda/shared/recording-store';
import { LOCAL_REGION, recordingTablesOf } from '../../local';
import { VersionedS3 } from '../../local/versioned-s3';
import { SimRandom } from '../random';
import type { SimLeg } from '../run';
import type { RequestOutcome } from './model';
import { DAY, HOUR, MINUTE, type MonthPhase, servicesOf, silent } from './month-run';
import { apiEvent, type Persona } from './people';
import { connectWav, recordingKey } from './wav';

export const RECORDINGS_BUCKET = 'fairlisten-recordings-local';
const RECORDING_PREFIX = 'connect/fairlisten/CallRecordings';
const KMS_KEY = `arn:aws:kms:${LOCAL_REGION}:000000000000:key/00000000-0000-4000-8000-000000000000`;
/** Seconds of audio per recording file (kept short: the month stays fast). */
const WAV_SECONDS = 3;

type PlannedRequest = {
  leg: SimLeg;
  kind: 'deletion' | 'redaction';
  arrival: 'request-first' | 'file-first';
};

export const scheduleArrivals: MonthPhase = async (m, ctx) => {
  const { stack, clock, policy } = ctx;
  const { seed } = m.options;
  const identity = m.options.policy.identity;
  const { ddb, privacy, executorQueue } = servicesOf(m, stack);
  const s3 = new VersionedS3(RECORDINGS_BUCKET);
  m.closers.push(() => s3.client.destroy());
  const store = createRecordingStore({
    client: ddb,
    tables: recordingTablesOf(stack.tables),
    retentionDays: policy.retentionDays,
  });
  const base: ActionDeps = {
    objects: createS3RecordingObjects(s3.client, RECORDINGS_BUCKET, { kmsKeyId: KMS_KEY }),
    store,
    audit: createAuditLog({
      client: ddb,
      tableName: stack.tables.audit!,
      retentionDays: policy.auditRetentionDays,
    }),
    clock: () => new Date(),
    logger: silent,
  };
  // As the ingest handler builds it: a recording whose decision was never stored is recognised by
  // the drawn decision the sampler reserved for it.
  const ingestDeps: IngestDeps = {
    ...base,
    actor: 'function:ingest',
    recovery: createDecisionRecovery(ddb, {
      reservations: stack.tables.reservations!,
      decisions: stack.tables.decisions!,
    }),
  };
  const actionDeps: ActionDeps = { ...base, actor: 'function:recording-actions' };

  const decided = new Map<string, Record<string, unknown>>();
  for (const item of await scanAll(ddb, { TableName: stack.tables.decisions!, ConsistentRead: true }))
    decided.set(String(item.contactId), item);
  const recorded = ctx.legs.filter((l) => decided.get(l.contactId)?.recorded === true);
  m.recorded = recorded;
  m.stats.recordedLegs = recorded.length;

  const durations = new SimRandom(seed, 'durations');
  const arrivalOf = new Map<string, number>();
  for (const leg of recorded)
    arrivalOf.set(leg.contactId, leg.at + (2 + durations.int(10)) * MINUTE + 30_000);

  const arrive = async (contactId: string, when: number) => {
    const key = recordingKey(RECORDING_PREFIX, contactId, new Date(when));
    const body = connectWav(WAV_SECONDS, `${seed}|${contactId}`);
    const versionId = s3.addVersion(key, body, {}, 'aws:kms');
    const t1 = performance.now();
    const outcome = await ingestObject(ingestDeps, {
      key,
      versionId,
      size: body.length,
      eventTime: new Date(when).toISOString(),
    });
    if (outcome.outcome === 'indexed') m.stats.ingested++;
    else if (outcome.outcome === 'unauthorized-deleted' && outcome.audited) m.stats.unauthorizedDeleted++;
    return { outcome, realMs: performance.now() - t1 };
  };

  // Privacy requests: the handling agent asks for deletion or redaction, in both arrival orders.
  const pick = new SimRandom(seed, 'privacy');
  const pool = recorded.filter(
    (l) => l.at > m.start.getTime() + 2 * DAY && l.at < m.end.getTime() - 2 * DAY && !m.suspends(l.contactId),
  );
  const perKind = recorded.length >= 60 ? 2 : 1;
  const planned: PlannedRequest[] = [];
  for (let i = 0; i < perKind; i++) {
    for (const kind of ['deletion', 'redaction'] as const) {
      for (const arrival of ['request-first', 'file-first'] as const) {
        if (pool.length === 0) break;
        planned.push({ leg: pool.splice(pick.int(pool.length), 1)[0]!, kind, arrival });
      }
    }
  }
  const plannedOf = new Map(planned.map((p) => [p.leg.contactId, p]));
  const waiting = new Map<string, { outcome: RequestOutcome; startedMs: number }>();

  const settle = async (outcome: RequestOutcome, who: Persona, realMs: number) => {
    const res = await privacy.handle(
      apiEvent(identity, who, ROUTE_KEYS.request, { requestId: outcome.requestId }),
    );
    const view = JSON.parse(res.body) as {
      status: RequestOutcome['status'];
      completedAt?: string;
      proof: { deleted: unknown[]; replaced: unknown[] } | null;
    };
    outcome.status = view.status;
    if (view.completedAt) outcome.completedAt = view.completedAt;
    outcome.proved = !!view.proof && view.proof.deleted.length + view.proof.replaced.length > 0;
    m.privacyTimings.push({
      kind: outcome.kind,
      arrival: outcome.arrival,
      simulatedMs: outcome.completedAt
        ? Date.parse(outcome.completedAt) - Date.parse(outcome.requestedAt)
        : null,
      realMs: Math.round(realMs),
    });
  };

  const request = async (p: PlannedRequest) => {
    const who: Persona = { role: 'agent', connectUserId: p.leg.agent.id };
    const params = { contactId: p.leg.contactId };
    const t1 = performance.now();
    const res =
      p.kind === 'deletion'
        ? await privacy.handle(
            apiEvent(identity, who, ROUTE_KEYS.deletion, params, { reason: 'personal matter discussed' }),
          )
        : await privacy.handle(
            apiEvent(identity, who, ROUTE_KEYS.redactions, params, {
              ranges: [{ from: 0.5, to: 1.25 }],
              channel: 'agent',
              reason: 'health data mentioned',
            }),
          );
    if (res.statusCode !== 202) throw new Error(`privacy ${p.kind} answered ${res.statusCode}: ${res.body}`);
    const body = JSON.parse(res.body) as { requestId: string; status: string };
    const outcome: RequestOutcome = {
      kind: p.kind,
      arrival: p.arrival,
      contactId: p.leg.contactId,
      agentId: p.leg.agent.id,
      requestId: body.requestId,
      status: body.status as RequestOutcome['status'],
      requestedAt: new Date().toISOString(),
      proved: false,
    };
    m.stats.requests.push(outcome);
    if (body.status === 'waiting-for-recording') {
      waiting.set(p.leg.contactId, { outcome, startedMs: t1 });
      return;
    }
    // The executor, invoked asynchronously by the API, starts a moment later.
    clock.set(clock.now() + 2000);
    for (const id of executorQueue.splice(0)) await applyRequest(actionDeps, id);
    await settle(outcome, who, performance.now() - t1);
  };

  for (const leg of recorded) {
    const arrival = arrivalOf.get(leg.contactId)!;
    const p = plannedOf.get(leg.contactId);
    if (p?.arrival === 'request-first') m.timeline.at(leg.at + MINUTE, () => request(p));
    m.timeline.at(arrival, async () => {
      const { realMs } = await arrive(leg.contactId, arrival);
      const w = waiting.get(leg.contactId);
      if (w) {
        waiting.delete(leg.contactId);
        await settle(w.outcome, { role: 'agent', connectUserId: leg.agent.id }, realMs);
      }
    });
    if (p?.arrival === 'file-first') m.timeline.at(arrival + 2 * HOUR, () => request(p));
  }

  // Unauthorized recordings: a file for a contact that was not drawn, and one Connect cannot tie
  // to any decision (e.g. a recording started by hand in another flow).
  const notDrawn = ctx.legs.filter((l) => decided.get(l.contactId)?.reason === 'not-drawn');
  if (notDrawn.length > 0) {
    const leg = notDrawn[pick.int(notDrawn.length)]!;
    m.timeline.at(leg.at + 5 * MINUTE, async () => void (await arrive(leg.contactId, leg.at + 5 * MINUTE)));
  }
  const stray = new SimRandom(seed, 'stray').uuid();
  const strayAt = m.start.getTime() + 10 * DAY + 14 * HOUR;
  m.timeline.at(strayAt, async () => void (await arrive(stray, strayAt)));
  m.log(`  ${recorded.length} recordings arrive, ${planned.length} privacy requests, 2 unauthorized files`);
};
