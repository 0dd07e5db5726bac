/**
 * The compliance report on a template synthesized with `connect.contactLens: true`: it states the
 * deployed setting from the template, passes while analytics runs for drawn contacts only, and fails
 * once an edit of the deployed flow lets an undrawn contact reach the analytics block.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../../lib/report/engine';
import type { StackView } from '../../../lib/report/template';
import type { ComplianceReport } from '../../../lib/report/types';
import { withLeadChanges } from '../../support/report-awaiting';
import { loadAssembly, type Mutable, mutated, synthAssembly } from '../../support/report-fixture';

const offDir = synthAssembly();
const onDir = synthAssembly({ connect: { contactLens: true } });
let off: StackView[];
let on: StackView[];
beforeAll(() => {
  off = mutated(loadAssembly(offDir), withLeadChanges);
  on = mutated(loadAssembly(onDir), withLeadChanges);
});

const row = (r: ComplianceReport) => r.checks.find((c) => c.id === 'CONTACT-LENS-RETENTION')!;
const failing = (r: ComplianceReport) => r.checks.filter((c) => c.status === 'fail').map((c) => c.id);
const onWith = (edit: (m: Mutable) => void) => buildReport(mutated(on, edit));

describe('CONTACT-LENS-RETENTION with Contact Lens on', () => {
  it('states the deployed setting and the flow that enables it, for drawn contacts only', () => {
    const r = row(buildReport(on));
    expect(r.status, r.detail).toBe('pass');
    expect(r.detail).toMatch(/Deployed setting: Contact Lens ON \(ContactCenterInstance\w+\)/);
    expect(r.detail).toMatch(
      /Analytics is turned on by ContactCenterWhisperFlow\w+\/[0-9a-f-]{36}, for the contacts the sampler drew only/,
    );
    const flowEvidence = r.evidence.find((e) =>
      JSON.stringify(e).includes('behind the sampler answering record=true'),
    );
    expect(JSON.stringify(flowEvidence)).toMatch(/"Enabled":"True".*"RedactionResults":"RedactedOnly"/);
    expect(r.detail).toMatch(/Not covered by this check: Contact Lens rules, categories/);
  });

  it('fails nothing the default template passes: switching it on breaks no other promise', () => {
    expect(failing(buildReport(on))).toEqual(failing(buildReport(off)));
  });

  it('fails once the deployed whisper flow analyses a contact the sampler did not draw', () => {
    const r = onWith((m) =>
      m.editFlow('flow:whisper', (part) => part.replace('"Operands":["true"]', '"Operands":["false"]')),
    );
    expect(row(r).status).toBe('fail');
    expect(row(r).detail).toMatch(/turns Contact Lens analytics on for contacts the lottery did not draw/);
  });

  it("fails once the guard compares another function's answer than the sampler's", () => {
    const r = onWith((m) => {
      const content = m.props('flow:whisper').Content['Fn::Join'][1] as unknown[];
      const i = content.findIndex((p) => typeof p === 'object' && p !== null && 'Fn::GetAtt' in p);
      content[i] = 'arn:aws:lambda:eu-central-1:123456789012:function:someone-else';
    });
    expect(row(r).status).toBe('fail');
    expect(row(r).detail).toMatch(/compares the answer of arn:aws:lambda:.*someone-else, not the sampler's/);
  });

  it('sees the successor recording action in an inbound flow too: recording and analytics for every caller fail', () => {
    const r = onWith((m) =>
      m.editFlow('flow:inbound', (part) =>
        part.replace(
          '"Type":"UpdateContactRecordingBehavior","Parameters":{"RecordingBehavior":{"RecordedParticipants":[],"IVRRecordingBehavior":"Disabled"}}',
          '"Type":"UpdateContactRecordingAndAnalyticsBehavior","Parameters":{"VoiceBehavior":{"VoiceRecordingBehavior":{"RecordedParticipants":["Agent","Customer"]},"VoiceAnalyticsBehavior":{"Enabled":"True","AnalyticsLanguage":"fr-FR"}}}',
        ),
      ),
    );
    const recordingOff = r.checks.find((c) => c.id === 'FLOW-RECORDING-OFF')!;
    expect(recordingOff.status).toBe('fail');
    expect(recordingOff.detail).toMatch(/the start action does not turn all recording off/);
    expect(recordingOff.detail).toMatch(/turn recording on/);
    expect(row(r).status).toBe('fail');
    expect(row(r).detail).toMatch(
      /ContactCenterInboundFlow\w+: action [0-9a-f-]{36} turns Contact Lens analytics on for contacts the lottery did not draw/,
    );
  });
});
