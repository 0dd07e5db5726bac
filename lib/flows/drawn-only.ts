/**
 * What a whisper flow may record or analyse: only contacts the sampler drew.
 *
 * The sampler starts the recording itself (StartContactRecording) and answers `{record: "true"}`
 * only when it did. Contact Lens has no API to switch analytics on for a contact: only the flow
 * block "Set recording and analytics behavior" (UpdateContactRecordingAndAnalyticsBehavior) does,
 * and it records both participants itself. So the one place such a block may stand is behind the
 * sampler's answer: a Compare of `$.External.record` = "true", entered from the sampler's success
 * branch. Analytics on a call the lottery did not draw would be a recording by another name (a
 * transcript of the call), so anything else is refused at synthesis and by the compliance report.
 */
import { describeFlow, SAMPLER_RECORD_ATTRIBUTE } from './describe';

/** The problems with how `content` (a whisper flow) records or analyses; empty when it only does so for drawn contacts. */
export function drawnOnlyProblems(
  content: unknown,
  opts: {
    /** The sampler's ARN, as it appears in the flow (a CDK token string or a flattened placeholder). */
    readonly samplerFunctionArn: string;
    /** Whether the flow is expected to turn Contact Lens analytics on for drawn contacts. */
    readonly contactLens: boolean;
  },
): string[] {
  const facts = describeFlow(content);
  const problems: string[] = [];
  for (const r of facts.recording.actions) {
    if (r.sets === 'on' && !r.drawnOnly)
      problems.push(
        `action ${r.actionId} (${r.type}) turns recording on for contacts the sampler did not draw (it is not behind $.External.${SAMPLER_RECORD_ATTRIBUTE} = "true")`,
      );
    if (r.analytics && !r.drawnOnly)
      problems.push(
        `action ${r.actionId} (${r.type}) turns Contact Lens analytics on for contacts the sampler did not draw`,
      );
  }
  for (const g of facts.analytics.guards) {
    const others = g.functionArns.filter((arn) => arn !== opts.samplerFunctionArn);
    if (others.length > 0)
      problems.push(
        `the draw guard ${g.actionId} compares the answer of ${others.join(', ')}, not the sampler's`,
      );
  }
  if (opts.contactLens && facts.analytics.actions.length === 0)
    problems.push(
      'Contact Lens is on in the policy, but no action turns its analytics on for drawn contacts',
    );
  if (!opts.contactLens && facts.analytics.actions.length > 0)
    problems.push(
      `Contact Lens is off in the policy, but action(s) ${facts.analytics.actions.map((a) => a.actionId).join(', ')} turn its analytics on`,
    );
  return problems;
}
