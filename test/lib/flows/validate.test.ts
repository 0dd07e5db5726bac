import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeFlow } from '../../../lib/flows/describe';
import { type FlowDocument, LEGACY_FORMAT_MESSAGE } from '../../../lib/flows/flow-language';
import {
  assertValidFlow,
  FlowValidationError,
  MAX_FLOW_ACTIONS,
  MAX_FLOW_CONTENT_CHARS,
  validateFlow,
} from '../../../lib/flows/validate';

const CORPUS = new URL('./corpus/', import.meta.url);
const files = readdirSync(CORPUS).filter((f) => f.endsWith('.json.fixture'));
const read = (f: string) => readFileSync(new URL(f, CORPUS), 'utf8');
const real = files.filter((f) => !f.startsWith('LEGACY-format_'));
const legacy = files.filter((f) => f.startsWith('LEGACY-format_'));

/** Identifiers the real exports use that are friendly names, not UUIDs (Connect accepts them). */
const FRIENDLY_NAMED = new Set([
  'gitlab-cicd_acme_contact_flow_module_AUTO.content.json.fixture',
  'gitlab-cicd_acme_contact_flow_module_AUTO.wrapped.json.fixture',
  'gitlab-cicd_acme_main_AUTO.content.json.fixture',
  'gitlab-cicd_acme_main_AUTO.wrapped.json.fixture',
  'gitlab-cicd_acme_queue_transfer_AUTO.content.json.fixture',
  'gitlab-cicd_acme_queue_transfer_AUTO.wrapped.json.fixture',
  'outbound-call_InitModule.json.fixture',
  'outbound-call_OutboundCallFlow.json.fixture',
]);

/** The flow object inside any corpus shape, for mutation tests. */
function flowOf(f: string): FlowDocument {
  let j = JSON.parse(read(f));
  if (j.ContactFlow) j = j.ContactFlow;
  if (typeof j.Content === 'string') j = JSON.parse(j.Content);
  return j;
}

describe('validateFlow on the real corpus', () => {
  it('has the files it is meant to test', () => {
    expect(real.length).toBe(20);
    expect(legacy.length).toBe(2);
  });

  it.each(real)('%s passes as stored (raw, wrapped or ContactFlow-wrapped)', (f) => {
    const result = validateFlow(read(f));
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    // Warnings only ever concern friendly-name identifiers.
    expect(result.warnings.every((w) => w.code === 'IDENTIFIER_NOT_UUID')).toBe(true);
    expect(result.warnings.length > 0).toBe(FRIENDLY_NAMED.has(f));
  });

  it.each(real)('%s passes as a parsed object and in every wrapper shape', (f) => {
    const flow = flowOf(f);
    const content = JSON.stringify(flow);
    for (const shape of [
      flow,
      content,
      { Content: content },
      { Content: flow },
      { Name: 'x', Type: 'CONTACT_FLOW', Content: content },
      { ContactFlow: { Name: 'x', Content: content } },
      JSON.stringify({ ContactFlow: { Content: content } }),
    ]) {
      expect(validateFlow(shape).errors).toEqual([]);
    }
  });

  it.each(real.filter((f) => !FRIENDLY_NAMED.has(f)))('%s uses UUID identifiers only', (f) => {
    expect(validateFlow(read(f), { requireUuidIdentifiers: true }).valid).toBe(true);
  });

  it('flags friendly-name identifiers as errors only when UUIDs are required', () => {
    const r = validateFlow(read('outbound-call_OutboundCallFlow.json.fixture'), {
      requireUuidIdentifiers: true,
    });
    expect(r.valid).toBe(false);
    expect(r.errors.map((e) => e.message)).toContain('Action identifier "Enable Logging" is not a UUID');
  });

  it('checks the wrapper Type: the OUTBOUND_WHISPER export may set recording behaviour', () => {
    const r = validateFlow(read('gitlab-cicd_acme_outbound_flow1_AUTO.wrapped.json.fixture'));
    expect(r.flowType).toBe('OUTBOUND_WHISPER');
    expect(r.valid).toBe(true);
  });

  it.each(legacy)('%s is rejected as the legacy console export', (f) => {
    const r = validateFlow(read(f));
    expect(r.valid).toBe(false);
    expect(r.errors).toEqual([{ code: 'LEGACY_FORMAT', message: LEGACY_FORMAT_MESSAGE }]);
    expect(r.errors[0]?.message).toMatch(/legacy Amazon Connect console export.*re-export/s);
    // Also when wrapped like a flow-language document would be.
    expect(validateFlow({ Content: read(f) }).errors[0]?.code).toBe('LEGACY_FORMAT');
  });
});

describe('validateFlow mutations', () => {
  const base = () => structuredClone(flowOf('cdk-constructs_inbound-contact-flow.json.fixture'));
  const messages = (input: unknown, opts = {}) => validateFlow(input, opts).errors.map((e) => e.message);

  it('rejects a dangling NextAction, naming the action and the branch', () => {
    const flow = base();
    const transfer = flow.Actions.find((a) => a.Type === 'TransferContactToQueue')!;
    transfer.Transitions.Errors![0]!.NextAction = 'does-not-exist';
    expect(messages(flow)).toEqual([
      `Action ${transfer.Identifier} (TransferContactToQueue): Transitions.Errors[0] (ErrorType QueueAtCapacity) points to does-not-exist, which is not an action of this flow`,
    ]);
  });

  it('rejects a dangling NextAction in Conditions and a missing StartAction', () => {
    const flow = flowOf('sbs-guides_Cards_Handler.json.fixture');
    const input = flow.Actions.find((a) => a.Type === 'GetParticipantInput')!;
    input.Transitions.Conditions![1]!.NextAction = 'nowhere';
    flow.StartAction = 'missing-start';
    const errors = validateFlow(flow).errors;
    expect(errors.map((e) => e.code)).toContain('DANGLING_NEXT_ACTION');
    expect(errors.map((e) => e.code)).toContain('START_ACTION');
    expect(errors.find((e) => e.code === 'DANGLING_NEXT_ACTION')?.message).toContain(
      `Action ${input.Identifier} (GetParticipantInput): Transitions.Conditions[1] points to nowhere`,
    );
  });

  it('rejects an unreachable action', () => {
    const flow = base();
    flow.Actions.push({
      Identifier: '00000000-0000-4000-8000-000000000001',
      Type: 'DisconnectParticipant',
      Parameters: {},
      Transitions: {},
    });
    expect(messages(flow)).toEqual([
      `Action 00000000-0000-4000-8000-000000000001 (DisconnectParticipant) is not reachable from StartAction ${flow.StartAction}`,
    ]);
  });

  it('rejects duplicate identifiers', () => {
    const flow = base();
    const dup = structuredClone(flow.Actions.find((a) => a.Type === 'DisconnectParticipant')!);
    flow.Actions.push(dup);
    expect(messages(flow)).toEqual([
      `Action identifier ${dup.Identifier} is used by 2 actions (DisconnectParticipant, DisconnectParticipant); identifiers must be unique`,
    ]);
  });

  it(`rejects ${MAX_FLOW_ACTIONS + 1} actions`, () => {
    const actions = Array.from({ length: MAX_FLOW_ACTIONS + 1 }, (_, i) => ({
      Identifier: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      Type: 'UpdateContactAttributes',
      Parameters: { Attributes: { n: String(i) }, TargetContact: 'Current' },
      Transitions: { NextAction: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}` },
    }));
    const last = actions.at(-1)!;
    last.Transitions = {} as never;
    const flow = { Version: '2019-10-30', StartAction: actions[0]!.Identifier, Actions: actions };
    expect(validateFlow({ ...flow, Actions: actions.slice(1) }, {}).errors.map((e) => e.code)).not.toContain(
      'TOO_MANY_ACTIONS',
    );
    expect(messages(flow)).toEqual([
      `Flow has 251 actions; Connect accepts at most 250 (last action: ${last.Identifier})`,
    ]);
  });

  it(`rejects content over ${MAX_FLOW_CONTENT_CHARS} characters`, () => {
    const flow = base();
    const message = flow.Actions.find((a) => a.Type === 'DisconnectParticipant')!;
    message.Parameters = { padding: 'x'.repeat(MAX_FLOW_CONTENT_CHARS) };
    const r = validateFlow(JSON.stringify(flow));
    expect(r.errors.map((e) => e.code)).toEqual(['CONTENT_TOO_LARGE']);
    expect(r.errors[0]?.message).toMatch(
      /^Flow content is 2\d{5} characters; Connect accepts at most 256000$/,
    );
    // The real 137 kB rules-engine queue flow stays under the limit.
    expect(validateFlow(read('rules-engine_RulesEngineQueue.json.fixture')).contentLength).toBeLessThan(
      MAX_FLOW_CONTENT_CHARS,
    );
  });

  it('rejects a Lambda ARN that is not associated, comparing token strings by equality', () => {
    const flow = flowOf('sbs-guides_StartStopPauseResumeRecording.json.fixture');
    const arn = 'arn:aws:lambda:us-east-1:297747336496:function:callRecordingControl';
    expect(validateFlow(flow, { associatedLambdaArns: [arn] }).valid).toBe(true);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal shape of an unresolved CDK token
    const token = '${Token[TOKEN.42]}';
    const errors = validateFlow(flow, { associatedLambdaArns: [token] }).errors;
    expect(errors).toHaveLength(4);
    expect(errors[0]).toMatchObject({ code: 'LAMBDA_NOT_ASSOCIATED', actionId: expect.any(String) });
    expect(errors[0]?.message).toBe(
      `Action ${errors[0]?.actionId} (InvokeLambdaFunction): LambdaFunctionARN ${arn} is not associated with the instance (associatedLambdaArns: \${Token[TOKEN.42]})`,
    );
    // A placeholder in the ARN position is compared as it is.
    const rules = flowOf('rules-engine_RulesEngineOutboundWhisper.json.fixture');
    expect(
      validateFlow(rules, { associatedLambdaArns: ['{{lambdaFunctions.connectloadstate.arn}}'] }).valid,
    ).toBe(true);
  });

  it('warns, but does not fail, on a dynamic Lambda ARN when associations are checked', () => {
    const r = validateFlow(flowOf('outbound-call_InitModule.json.fixture'), { associatedLambdaArns: [] });
    expect(r.valid).toBe(true);
    expect(r.warnings.map((w) => w.code)).toContain('LAMBDA_DYNAMIC_ARN');
  });

  it('rejects a Lambda time limit outside 1..8 seconds', () => {
    const flow = flowOf('sbs-guides_LambdaIntegration_viewContactFlow.json.fixture');
    const lambda = flow.Actions.find((a) => a.Type === 'InvokeLambdaFunction')!;
    lambda.Parameters!.InvocationTimeLimitSeconds = '9';
    expect(messages(flow)).toEqual([
      `Action ${lambda.Identifier} (InvokeLambdaFunction): InvocationTimeLimitSeconds must be an integer string 1..8, got "9"`,
    ]);
  });

  it('rejects a wrong Version and keeps reporting the other problems', () => {
    const flow = base();
    flow.Version = '2019-10-31';
    flow.Actions.find((a) => a.Type === 'DisconnectParticipant')!.Identifier = 'renamed';
    const errors = messages(flow);
    expect(errors[0]).toBe('Version must be "2019-10-30", got "2019-10-31"');
    expect(errors.some((m) => m.includes('points to') && m.includes('not an action of this flow'))).toBe(
      true,
    );
  });

  it('names the action on schema errors', () => {
    const flow = base();
    const action = flow.Actions[2]!;
    delete (action as Partial<typeof action>).Transitions;
    expect(messages(flow)).toEqual([
      `Action ${action.Identifier} (Actions[2]).Transitions: Invalid input: expected object, received undefined`,
    ]);
  });

  it('rejects an event-hook action with two hooks and actions not allowed in the flow type', () => {
    const flow = base();
    const hook = flow.Actions.find((a) => a.Type === 'UpdateContactEventHooks')!;
    hook.Parameters = { EventHooks: { AgentWhisper: 'a', CustomerQueue: 'b' } };
    const r = validateFlow({ Type: 'AGENT_WHISPER', Content: JSON.stringify(flow) });
    expect(r.errors.map((e) => e.code).sort()).toEqual([
      'ACTION_NOT_ALLOWED_IN_FLOW_TYPE', // UpdateContactRecordingBehavior
      'ACTION_NOT_ALLOWED_IN_FLOW_TYPE', // UpdateContactTargetQueue
      'EVENT_HOOKS',
    ]);
  });

  it('reports input that is not a flow at all', () => {
    expect(messages('{not json')[0]).toMatch(/^Flow content is not valid JSON/);
    expect(messages({ Name: 'x' })[0]).toMatch(/got an object with keys Name/);
    expect(messages([])[0]).toMatch(/got an array/);
  });

  it('assertValidFlow throws every error at once', () => {
    const flow = base();
    flow.Version = '1';
    flow.Actions.push(structuredClone(flow.Actions[0]!));
    expect(() => assertValidFlow(flow, { label: 'test flow' })).toThrow(FlowValidationError);
    expect(() => assertValidFlow(flow, { label: 'test flow' })).toThrow(
      /^Invalid test flow:\n {2}- Version must be "2019-10-30", got "1"\n {2}- Action identifier .* is used by 2 actions/,
    );
    expect(
      assertValidFlow(read('cdk-constructs_inbound-contact-flow.json.fixture')).flow.Actions,
    ).toHaveLength(11);
  });
});

describe('describeFlow on the real corpus', () => {
  it.each(real)('%s can be described', (f) => {
    expect(() => describeFlow(read(f))).not.toThrow();
  });

  it('sees recording turned on in a real inbound flow and off in another', () => {
    const on = describeFlow(read('cdk-constructs_inbound-contact-flow.json.fixture'));
    expect(on.recording.enablesRecording).toBe(true);
    expect(on.recording.offBeforeEveryTransfer).toBe(false);
    expect(on.whisperHooks).toEqual([expect.objectContaining({ flowArn: '%AgentWhisperFlowArn%' })]);
    const off = describeFlow(read('salesforce-scv_AWS_Sample_SCV_REST_Example.json.fixture'));
    expect(off.recording.actions.map((a) => a.sets)).toEqual(['off']);
  });
});
