/**
 * Contact Lens analytics only for drawn contacts: the whisper flow turns it on behind the sampler's
 * answer, and every way of placing the block where an undrawn contact could reach it is refused.
 */
import { describe, expect, it } from 'vitest';
import { describeFlow } from '../../../lib/flows/describe';
import { drawnOnlyProblems } from '../../../lib/flows/drawn-only';
import { FlowRenderError, renderWhisperFlow } from '../../../lib/flows/render';
import { validateFlow } from '../../../lib/flows/validate';

const SAMPLER_ARN = 'arn:aws:lambda:eu-central-1:123456789012:function:fairlisten-sampler';
const OTHER_ARN = 'arn:aws:lambda:eu-central-1:123456789012:function:someone-else';

interface Action {
  Identifier: string;
  Type: string;
  Parameters?: Record<string, unknown>;
  Transitions: {
    NextAction?: string;
    Conditions?: { NextAction: string; Condition: { Operator: string; Operands: string[] } }[];
    Errors?: { NextAction: string; ErrorType: string }[];
  };
}
interface Flow {
  StartAction: string;
  Actions: Action[];
}

const withLens = renderWhisperFlow({ samplerFunctionArn: SAMPLER_ARN, contactLens: {} });
const without = renderWhisperFlow({ samplerFunctionArn: SAMPLER_ARN });
const parsed = (): Flow => JSON.parse(withLens) as Flow;
const byType = (f: Flow, type: string) => f.Actions.find((a) => a.Type === type)!;
const problems = (f: Flow, contactLens = true) =>
  drawnOnlyProblems(JSON.stringify(f), { samplerFunctionArn: SAMPLER_ARN, contactLens });

describe('whisper flow with Contact Lens', () => {
  const facts = describeFlow(withLens);

  it('is a valid AGENT_WHISPER flow with the errors the action requires', () => {
    expect(
      validateFlow(withLens, { flowType: 'AGENT_WHISPER', requireUuidIdentifiers: true }).errors,
    ).toEqual([]);
    const lens = byType(parsed(), 'UpdateContactRecordingAndAnalyticsBehavior');
    expect(lens.Transitions.Errors?.map((e) => e.ErrorType).sort()).toEqual([
      'ChannelMismatch',
      'NoMatchingError',
    ]);
  });

  it('turns analytics on in one action, behind the sampler answering record=true', () => {
    expect(facts.analytics.actions).toHaveLength(1);
    expect(facts.analytics.actions[0]).toMatchObject({ analytics: true, drawnOnly: true, sets: 'on' });
    expect(facts.analytics.guards).toEqual([{ actionId: expect.any(String), functionArns: [SAMPLER_ARN] }]);
    expect(facts.analytics.onlyWhenDrawn).toBe(true);
    expect(drawnOnlyProblems(withLens, { samplerFunctionArn: SAMPLER_ARN, contactLens: true })).toEqual([]);
  });

  it('asks for post-contact analysis of both participants, redacted output only, in French', () => {
    const p = byType(parsed(), 'UpdateContactRecordingAndAnalyticsBehavior').Parameters as {
      VoiceBehavior: Record<string, Record<string, unknown>>;
    };
    expect(p.VoiceBehavior.VoiceRecordingBehavior).toEqual({
      RecordedParticipants: ['Agent', 'Customer'],
      IVRRecordingBehavior: 'Disabled',
    });
    expect(p.VoiceBehavior.VoiceAnalyticsBehavior).toMatchObject({
      Enabled: 'True',
      AnalyticsLanguage: 'fr-FR',
      AnalyticsModes: ['PostContact'],
      ConversationalAnalyticsRedactionConfiguration: { Enabled: 'True', RedactionResults: 'RedactedOnly' },
    });
  });

  it('sends an undrawn contact, a sampler error and an unexpected answer straight to the end', () => {
    const f = parsed();
    const end = byType(f, 'EndFlowExecution').Identifier;
    const invoke = byType(f, 'InvokeLambdaFunction');
    const compare = byType(f, 'Compare');
    expect(invoke.Transitions.Errors?.every((e) => e.NextAction === end)).toBe(true);
    expect(compare.Transitions.Errors).toEqual([{ NextAction: end, ErrorType: 'NoMatchingCondition' }]);
    expect(compare.Transitions.Conditions).toHaveLength(1);
  });

  it('without Contact Lens the flow turns neither recording nor analytics on', () => {
    const f = describeFlow(without);
    expect(f.analytics.actions).toEqual([]);
    expect(f.recording.actions).toEqual([]);
    expect(drawnOnlyProblems(without, { samplerFunctionArn: SAMPLER_ARN, contactLens: false })).toEqual([]);
    expect(drawnOnlyProblems(without, { samplerFunctionArn: SAMPLER_ARN, contactLens: true })).toEqual([
      'Contact Lens is on in the policy, but no action turns its analytics on for drawn contacts',
    ]);
    expect(drawnOnlyProblems(withLens, { samplerFunctionArn: SAMPLER_ARN, contactLens: false })[0]).toMatch(
      /Contact Lens is off in the policy, but action\(s\) .* turn its analytics on/,
    );
  });

  it('refuses an analytics language Contact Lens would not read', () => {
    expect(() =>
      renderWhisperFlow({ samplerFunctionArn: SAMPLER_ARN, contactLens: { analyticsLanguage: 'french' } }),
    ).toThrow(FlowRenderError);
  });
});

describe('analytics for an undrawn contact is refused (each attack on the flow)', () => {
  const attacks: Array<[string, (f: Flow) => void, RegExp]> = [
    [
      'the block on the sampler error branch (no answer at all)',
      (f) => {
        const lens = byType(f, 'UpdateContactRecordingAndAnalyticsBehavior').Identifier;
        byType(f, 'InvokeLambdaFunction').Transitions.Errors![0]!.NextAction = lens;
      },
      /turns Contact Lens analytics on for contacts the sampler did not draw/,
    ],
    [
      'the block on the "no match" branch of the guard',
      (f) => {
        const lens = byType(f, 'UpdateContactRecordingAndAnalyticsBehavior').Identifier;
        byType(f, 'Compare').Transitions.Errors![0]!.NextAction = lens;
      },
      /analytics on for contacts the sampler did not draw/,
    ],
    [
      'a guard on record = "false"',
      (f) => {
        byType(f, 'Compare').Transitions.Conditions![0]!.Condition.Operands = ['false'];
      },
      /analytics on for contacts the sampler did not draw/,
    ],
    [
      'a guard on another attribute of the answer',
      (f) => {
        byType(f, 'Compare').Parameters = { ComparisonValue: '$.External.reason' };
      },
      /analytics on for contacts the sampler did not draw/,
    ],
    [
      'a guard on a contact attribute anyone can set, not the answer',
      (f) => {
        byType(f, 'Compare').Parameters = { ComparisonValue: '$.Attributes.record' };
      },
      /analytics on for contacts the sampler did not draw/,
    ],
    [
      'the block before the sampler runs',
      (f) => {
        const lens = byType(f, 'UpdateContactRecordingAndAnalyticsBehavior');
        const invoke = byType(f, 'InvokeLambdaFunction');
        f.StartAction = lens.Identifier;
        lens.Transitions.NextAction = invoke.Identifier;
      },
      /turns recording on for contacts the sampler did not draw/,
    ],
    [
      'a guard entered from the sampler error branch as well',
      (f) => {
        byType(f, 'InvokeLambdaFunction').Transitions.Errors![0]!.NextAction = byType(
          f,
          'Compare',
        ).Identifier;
      },
      /analytics on for contacts the sampler did not draw/,
    ],
    [
      "a guard comparing another function's answer",
      (f) => {
        byType(f, 'InvokeLambdaFunction').Parameters!.LambdaFunctionARN = OTHER_ARN;
      },
      /compares the answer of .*someone-else, not the sampler's/,
    ],
  ];

  it.each(attacks)('%s', (_, mutate, expected) => {
    const f = parsed();
    expect(problems(f)).toEqual([]);
    mutate(f);
    expect(problems(f).join('\n')).toMatch(expected);
  });

  it('the older recording action with its AnalyticsBehavior, unguarded, is refused too', () => {
    const f = parsed();
    const lens = byType(f, 'UpdateContactRecordingAndAnalyticsBehavior');
    const invoke = byType(f, 'InvokeLambdaFunction');
    f.Actions.push({
      Identifier: '0f0e0d0c-0b0a-4998-8776-655443322110',
      Type: 'UpdateContactRecordingBehavior',
      Parameters: {
        RecordingBehavior: { RecordedParticipants: ['Agent', 'Customer'] },
        AnalyticsBehavior: { Enabled: 'True', AnalyticsLanguage: 'fr-FR' },
      },
      Transitions: { NextAction: lens.Transitions.NextAction! },
    });
    invoke.Transitions.Errors![0]!.NextAction = '0f0e0d0c-0b0a-4998-8776-655443322110';
    expect(problems(f).join('\n')).toMatch(/0f0e0d0c.*UpdateContactRecordingBehavior.*analytics on/);
  });
});
