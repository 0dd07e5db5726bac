import { readFileSync } from 'node:fs';
import { Aws, Lazy, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { describeFlow } from '../../../lib/flows/describe';
import {
  CALLER_OBJECTED_ATTRIBUTE,
  DEFAULT_NOT_RECORDED_TEXT,
  DEFAULT_NOTICE_TEXT,
  FlowRenderError,
  INBOUND_FLOW_TEMPLATE,
  OBJECTION_KEY,
  renderInboundFlow,
  renderWhisperFlow,
  SAMPLER_TIME_LIMIT_SECONDS,
  WHISPER_FLOW_TEMPLATE,
} from '../../../lib/flows/render';
import { validateFlow } from '../../../lib/flows/validate';

const WHISPER_ARN = 'arn:aws:connect:eu-central-1:123456789012:instance/1111-aaaa/contact-flow/2222-bbbb';
const QUEUE_ARN = 'arn:aws:connect:eu-central-1:123456789012:instance/1111-aaaa/queue/3333-cccc';
const SAMPLER_ARN = 'arn:aws:lambda:eu-central-1:123456789012:function:fairlisten-sampler';

const inbound = renderInboundFlow({ whisperFlowArn: WHISPER_ARN, queueArn: QUEUE_ARN });
const whisper = renderWhisperFlow({ samplerFunctionArn: SAMPLER_ARN });
const actionsOf = (content: string) =>
  (
    JSON.parse(content) as {
      Actions: { Identifier: string; Type: string; Parameters: Record<string, unknown> }[];
    }
  ).Actions;

describe('inbound flow', () => {
  const facts = describeFlow(inbound);

  it('passes the validator with UUID identifiers as a CONTACT_FLOW', () => {
    const r = validateFlow(inbound, { requireUuidIdentifiers: true, flowType: 'CONTACT_FLOW' });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  it('turns all recording off as its very first action, and never on', () => {
    expect(facts.startActionType).toBe('UpdateContactRecordingBehavior');
    expect(facts.recording.offAtStart).toBe(true);
    expect(facts.recording.actions).toEqual([
      {
        actionId: facts.startActionId,
        type: 'UpdateContactRecordingBehavior',
        recordedParticipants: [],
        screenRecordedParticipants: [],
        ivrRecordingBehavior: 'Disabled',
        sets: 'off',
        analytics: false,
        drawnOnly: false,
      },
    ]);
    expect(facts.recording.enablesRecording).toBe(false);
    // The start action has no error branch, so nothing is reachable without passing it.
    const start = JSON.parse(inbound).Actions[0];
    expect(start.Transitions).toEqual({ NextAction: expect.any(String), Errors: [], Conditions: [] });
  });

  it('says something true when the objection input fails: the call is not recorded, and it is not', () => {
    const actions = actionsOf(inbound);
    const input = actions.find((a) => a.Type === 'GetParticipantInput')! as unknown as {
      Transitions: { Errors: { ErrorType: string; NextAction: string }[] };
    };
    const onError = input.Transitions.Errors.find((e) => e.ErrorType === 'NoMatchingError')!.NextAction;
    const message = actions.find((a) => a.Identifier === onError)!;
    expect(message.Type).toBe('MessageParticipant');
    // Not the notice again (it asks for a key the caller can no longer press) …
    expect(message.Parameters.Text).toBe(DEFAULT_NOT_RECORDED_TEXT);
    expect(message.Parameters.Text).not.toContain(OBJECTION_KEY);
    expect(message.Parameters.Text).toMatch(/ne sera pas enregistré.*will not be recorded/);
    // … and true: from there no path sets the whisper hook, so the sampler never runs.
    const hooks = new Set(facts.whisperHooks.map((h) => h.actionId));
    const seen = new Set<string>();
    const walk = (id: string) => {
      if (seen.has(id)) return;
      seen.add(id);
      expect(hooks.has(id), `whisper hook ${id} reachable after a failed input`).toBe(false);
      const a = JSON.parse(inbound).Actions.find((x: { Identifier: string }) => x.Identifier === id);
      const t = a?.Transitions ?? {};
      for (const next of [
        t.NextAction,
        ...(t.Errors ?? []).map((e: { NextAction: string }) => e.NextAction),
      ]) {
        if (next) walk(next);
      }
    };
    walk(onError);
    expect(seen.size).toBeGreaterThan(2);
  });

  it('keeps recording off on every path, error paths included', () => {
    expect(facts.recording.offBeforeEveryTransfer).toBe(true);
    expect(facts.recording.offAtEveryEnd).toBe(true);
    expect(facts.recording.atTransfer).toEqual([{ actionId: facts.transfers[0], states: ['off'] }]);
  });

  it('plays the notice and offers the objection before the whisper hook can start the sampler', () => {
    // The notice, and on a failed input the message that the call will not be recorded.
    expect(facts.notice.actions.map((a) => a.text)).toEqual([DEFAULT_NOTICE_TEXT, DEFAULT_NOT_RECORDED_TEXT]);
    expect(facts.notice.beforeWhisperHook).toBe(true);
    expect(facts.notice.beforeEveryRecordableTransfer).toBe(true);
    expect(facts.objection.offeredBeforeWhisperHook).toBe(true);
    // Only if both the input and the fallback message fail is the call transferred without any of
    // them, and then without the whisper hook: the sampler never runs, the call cannot be recorded.
    expect(facts.notice.beforeEveryTransfer).toBe(false);
  });

  it('sets the objection attribute to "true" on key 9 and "false" otherwise', () => {
    expect(facts.objection.attribute).toBe(CALLER_OBJECTED_ATTRIBUTE);
    expect(facts.objection.keyBranches).toEqual([
      expect.objectContaining({ key: OBJECTION_KEY, setsAttributeTo: 'true' }),
    ]);
    expect(facts.objection.assignments.map((a) => a.value).sort()).toEqual(['false', 'true']);
    const input = actionsOf(inbound).find((a) => a.Type === 'GetParticipantInput')!;
    expect(input.Parameters).toEqual({
      StoreInput: 'False',
      InputTimeLimitSeconds: '5',
      Text: DEFAULT_NOTICE_TEXT,
    });
  });

  it('hooks the whisper flow and targets the working queue', () => {
    expect(facts.whisperHooks).toEqual([{ actionId: expect.any(String), flowArn: WHISPER_ARN }]);
    const queue = actionsOf(inbound).find((a) => a.Type === 'UpdateContactTargetQueue')!;
    expect(queue.Parameters).toEqual({ QueueId: QUEUE_ARN });
    expect(facts.lambdas).toEqual([]);
  });

  it('routes queue-at-capacity to a message and a disconnect', () => {
    const flow = JSON.parse(inbound);
    const transfer = flow.Actions.find((a: { Type: string }) => a.Type === 'TransferContactToQueue');
    const capacity = transfer.Transitions.Errors.find(
      (e: { ErrorType: string }) => e.ErrorType === 'QueueAtCapacity',
    );
    const message = flow.Actions.find((a: { Identifier: string }) => a.Identifier === capacity.NextAction);
    expect(message.Type).toBe('MessageParticipant');
    const end = flow.Actions.find(
      (a: { Identifier: string }) => a.Identifier === message.Transitions.NextAction,
    );
    expect(end.Type).toBe('DisconnectParticipant');
  });

  it('uses a custom notice, but only one that mentions the objection key', () => {
    const custom = 'Appel susceptible d’être enregistré. Touche 9 pour refuser.';
    expect(
      describeFlow(
        renderInboundFlow({ whisperFlowArn: WHISPER_ARN, queueArn: QUEUE_ARN, noticeText: custom }),
      ).notice.actions[0]?.text,
    ).toBe(custom);
    expect(() =>
      renderInboundFlow({
        whisperFlowArn: WHISPER_ARN,
        queueArn: QUEUE_ARN,
        noticeText: 'Cet appel est enregistré.',
      }),
    ).toThrow(/noticeText must tell the caller to press 9 to object/);
  });

  it('rejects values that are neither ARNs of the right kind nor CDK tokens', () => {
    expect(() => renderInboundFlow({ whisperFlowArn: QUEUE_ARN, queueArn: QUEUE_ARN })).toThrow(
      FlowRenderError,
    );
    expect(() => renderInboundFlow({ whisperFlowArn: WHISPER_ARN, queueArn: '' })).toThrow(
      /queueArn must be a non-empty ARN, got ""/,
    );
    expect(() => renderWhisperFlow({ samplerFunctionArn: 'sampler' })).toThrow(
      /samplerFunctionArn must be a lambda function ARN or a CDK token, got sampler/,
    );
  });

  it('keeps the literal attribute and key of the template in step with the exported constants', () => {
    const text = readFileSync(INBOUND_FLOW_TEMPLATE, 'utf8');
    expect(text).toContain(`"${CALLER_OBJECTED_ATTRIBUTE}": "true"`);
    expect(text).toContain(`"Operands": ["${OBJECTION_KEY}"]`);
  });
});

describe('agent whisper flow', () => {
  const facts = describeFlow(whisper);

  it('passes the validator as an AGENT_WHISPER with the sampler associated', () => {
    const r = validateFlow(whisper, {
      requireUuidIdentifiers: true,
      flowType: 'AGENT_WHISPER',
      associatedLambdaArns: [SAMPLER_ARN],
    });
    expect(r.errors).toEqual([]);
    expect(validateFlow(whisper, { associatedLambdaArns: [] }).errors[0]?.code).toBe('LAMBDA_NOT_ASSOCIATED');
  });

  it('invokes the sampler with a time limit of at most 3 s and a string-map response', () => {
    expect(facts.lambdas).toEqual([
      {
        actionId: expect.any(String),
        functionArn: SAMPLER_ARN,
        timeLimitSeconds: 3,
        responseType: 'STRING_MAP',
      },
    ]);
    expect(facts.lambdas[0]!.timeLimitSeconds).toBeLessThanOrEqual(SAMPLER_TIME_LIMIT_SECONDS);
  });

  it('contains no recording action and ends on success and on error alike', () => {
    expect(facts.actionTypes).toEqual(['EndFlowExecution', 'InvokeLambdaFunction']);
    expect(facts.recording.actions).toEqual([]);
    const [invoke, end] = actionsOf(whisper);
    expect(JSON.parse(whisper).Actions[0].Transitions).toEqual({
      NextAction: end!.Identifier,
      Errors: [{ NextAction: end!.Identifier, ErrorType: 'NoMatchingError' }],
    });
    expect(invoke!.Type).toBe('InvokeLambdaFunction');
    expect(readFileSync(WHISPER_FLOW_TEMPLATE, 'utf8')).not.toMatch(/Recording/);
  });
});

describe('CDK tokens', () => {
  it('substitutes unresolved tokens as opaque strings that CDK resolves at synth', () => {
    const stack = new Stack();
    const lazy = (v: string) => Lazy.string({ produce: () => v });
    const content = renderInboundFlow({ whisperFlowArn: lazy(WHISPER_ARN), queueArn: lazy(QUEUE_ARN) });
    expect(content).toMatch(/"AgentWhisper":"\$\{Token\[TOKEN\.\d+\]\}"/);
    expect(JSON.parse(stack.resolve(content))).toEqual(JSON.parse(inbound));
  });

  it('becomes an Fn::Join around the Ref when the value is a reference', () => {
    const stack = new Stack();
    const arn = `arn:aws:lambda:eu-central-1:${Aws.ACCOUNT_ID}:function:fairlisten-sampler`;
    const resolved = stack.resolve(renderWhisperFlow({ samplerFunctionArn: arn }));
    expect(resolved['Fn::Join'][0]).toBe('');
    const parts: unknown[] = resolved['Fn::Join'][1];
    expect(parts).toContainEqual({ Ref: 'AWS::AccountId' });
    const flattened = parts.map((p) => (typeof p === 'string' ? p : '{{account}}')).join('');
    expect(describeFlow(flattened).lambdas[0]?.functionArn).toBe(
      'arn:aws:lambda:eu-central-1:{{account}}:function:fairlisten-sampler',
    );
  });

  it('describes synthesized content whose tokens became placeholder strings', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal shape of an unresolved CDK token
    const token = '${Token[TOKEN.7]}';
    const content = renderWhisperFlow({ samplerFunctionArn: token }).replace(token, '{{sampler}}');
    expect(validateFlow(content, { associatedLambdaArns: ['{{sampler}}'] }).valid).toBe(true);
    expect(describeFlow(content).lambdas[0]?.functionArn).toBe('{{sampler}}');
  });
});
