/** cdk-nag acknowledgements: each one narrow and reasoned, listed in the report. */
import { acknowledgementsOf } from '../acknowledgements';
import type { Check } from '../types';
import { ev, Findings } from './helpers';

/** Shortest reason accepted (the same bar as lib/constructs/nag.ts). */
export const MIN_REASON_CHARS = 20;

export const nagAcknowledgements: Check = {
  id: 'NAG-ACKNOWLEDGEMENTS',
  title: 'Every cdk-nag acknowledgement names its resource and gives a real reason (listed below)',
  concern: 'platform',
  run: (ctx) => {
    const f = new Findings();
    const sources = new Set<string>();
    let n = 0;
    for (const stack of ctx.stacks) {
      for (const a of acknowledgementsOf(stack)) {
        n++;
        sources.add(a.source);
        if (a.reason.trim().length < MIN_REASON_CHARS) {
          f.problem(
            `${a.logicalId}: acknowledgement of ${a.ruleId} has no real reason (${JSON.stringify(a.reason)})`,
          );
          f.add(
            ev(stack, a.logicalId, 'Metadata.cdk_nag.rules_to_suppress', { id: a.ruleId, reason: a.reason }),
          );
        }
      }
    }
    const where = sources.has('assembly')
      ? 'read from the cloud-assembly metadata: the template does not carry them (cdk-nag writeSuppressionsToCloudFormation is off)'
      : 'read from the template metadata cdk_nag.rules_to_suppress';
    return { ...f, summary: `${n} acknowledgement(s), ${where}` };
  },
};
