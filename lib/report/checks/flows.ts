/** The contact flows as deployed: recording off by default, notice and objection, the whisper hook. */
import {
  CALLER_OBJECTED_ATTRIBUTE,
  CALLER_OBJECTED_VALUE,
  OBJECTION_KEY,
  SAMPLER_TIME_LIMIT_SECONDS,
} from '../../flows';
import { type DeployedFlow, deployedFlow, placeholderTarget } from '../flows';
import type { StackView } from '../template';
import type { Check, CheckContext } from '../types';
import { ev, Findings } from './helpers';

const CONTENT = 'Properties.Content';

function flowsOf(
  ctx: CheckContext,
  type: string,
  role: string,
  f: Findings,
): Array<[StackView, DeployedFlow]> {
  const out: Array<[StackView, DeployedFlow]> = [];
  for (const stack of ctx.stacks) {
    for (const [id, r] of stack.ofType('AWS::Connect::ContactFlow')) {
      if (r.Properties?.Type !== type && stack.roleOf(id) !== role) continue;
      const flow = deployedFlow(stack, id);
      if (flow.error) f.problem(`${id}: content is not a readable flow: ${flow.error}`);
      out.push([stack, flow]);
    }
  }
  if (!out.some(([s, fl]) => s.roleOf(fl.logicalId) === role))
    f.problem(`no contact flow marked ${role} in any stack`);
  return out;
}

export const flowRecordingOff: Check = {
  id: 'FLOW-RECORDING-OFF',
  title: 'Inbound flows turn recording off first and nothing in them turns it on (only the sampler may)',
  concern: 'C1',
  run: (ctx) => {
    const f = new Findings();
    for (const [stack, flow] of flowsOf(ctx, 'CONTACT_FLOW', 'flow:inbound', f)) {
      const rec = flow.facts?.recording;
      if (!rec) continue;
      f.add(
        ev(
          stack,
          flow.logicalId,
          `${CONTENT} (UpdateContactRecordingBehavior actions)`,
          rec.actions,
          `start action ${flow.facts?.startActionType}`,
        ),
      );
      if (!rec.offAtStart)
        f.problem(
          `${flow.logicalId}: the start action does not turn all recording off (start: ${flow.facts?.startActionType})`,
        );
      const on = rec.actions.filter((a) => a.sets === 'on');
      if (on.length > 0)
        f.problem(`${flow.logicalId}: action(s) ${on.map((a) => a.actionId).join(', ')} turn recording on`);
      if (!rec.offBeforeEveryTransfer)
        f.problem(
          `${flow.logicalId}: some transfer to a queue can be reached without recording explicitly off`,
        );
    }
    return f;
  },
};

export const flowNotice: Check = {
  id: 'FLOW-NOTICE',
  title: 'Callers hear the recording notice and can object (key 9) before the sampler hook is set',
  concern: 'CNIL',
  run: (ctx) => {
    const f = new Findings();
    for (const [stack, flow] of flowsOf(ctx, 'CONTACT_FLOW', 'flow:inbound', f)) {
      const facts = flow.facts;
      if (!facts) continue;
      const id = flow.logicalId;
      f.add(
        ev(
          stack,
          id,
          `${CONTENT} (notice prompts)`,
          facts.notice.actions.map((a) => a.text),
        ),
      );
      f.add(
        ev(
          stack,
          id,
          `${CONTENT} (objection branches)`,
          facts.objection.keyBranches,
          `attribute ${facts.objection.attribute}`,
        ),
      );
      f.add(ev(stack, id, `${CONTENT} (agent whisper hooks)`, facts.whisperHooks));
      if (facts.notice.actions.length === 0) f.problem(`${id}: no prompt mentions recording`);
      if (facts.whisperHooks.length === 0)
        f.problem(`${id}: no agent whisper hook, so the sampler never runs (expected one)`);
      if (!facts.notice.beforeWhisperHook)
        f.problem(`${id}: the whisper hook can be set before the notice is played`);
      if (!facts.notice.beforeEveryRecordableTransfer)
        f.problem(`${id}: a contact can reach a queue with the hook set but without the notice`);
      const objects = facts.objection.keyBranches.filter(
        (b) => b.key === OBJECTION_KEY && b.setsAttributeTo === CALLER_OBJECTED_VALUE,
      );
      if (facts.objection.attribute !== CALLER_OBJECTED_ATTRIBUTE || objects.length === 0) {
        f.problem(
          `${id}: pressing ${OBJECTION_KEY} does not set ${CALLER_OBJECTED_ATTRIBUTE}=${CALLER_OBJECTED_VALUE}`,
        );
      }
      if (!facts.objection.offeredBeforeWhisperHook)
        f.problem(`${id}: the whisper hook can be set before the caller was offered to object`);
      for (const hook of facts.whisperHooks) {
        const target = placeholderTarget(hook.flowArn);
        const r = target ? stack.resource(target) : undefined;
        if (!target || r?.Type !== 'AWS::Connect::ContactFlow' || r.Properties?.Type !== 'AGENT_WHISPER') {
          f.problem(
            `${id}: whisper hook ${hook.actionId} points to ${hook.flowArn}, not an AGENT_WHISPER flow of this template`,
          );
        }
      }
    }
    return f;
  },
};

export const flowWhisperLambda: Check = {
  id: 'FLOW-WHISPER-LAMBDA',
  title: `Whisper flows invoke only associated functions, within ${SAMPLER_TIME_LIMIT_SECONDS} s, and the function times out first`,
  concern: 'C6',
  run: (ctx) => {
    const f = new Findings();
    for (const [stack, flow] of flowsOf(ctx, 'AGENT_WHISPER', 'flow:whisper', f)) {
      const facts = flow.facts;
      if (!facts) continue;
      const instance = stack.flatten(stack.resource(flow.logicalId)?.Properties?.InstanceArn);
      for (const issue of flow.validation?.errors ?? []) {
        if (issue.code === 'LAMBDA_NOT_ASSOCIATED') f.problem(`${flow.logicalId}: ${issue.message}`);
      }
      for (const l of facts.lambdas) {
        f.add(
          ev(stack, flow.logicalId, `${CONTENT} (InvokeLambdaFunction ${l.actionId})`, {
            functionArn: l.functionArn,
            timeLimitSeconds: l.timeLimitSeconds ?? null,
          }),
        );
        if (l.timeLimitSeconds === undefined || l.timeLimitSeconds > SAMPLER_TIME_LIMIT_SECONDS) {
          f.problem(
            `${flow.logicalId}: InvocationTimeLimitSeconds is ${l.timeLimitSeconds ?? 'absent'}, above ${SAMPLER_TIME_LIMIT_SECONDS}`,
          );
        }
        const fnId = placeholderTarget(l.functionArn);
        const fn = fnId ? stack.resource(fnId) : undefined;
        if (!fnId || fn?.Type !== 'AWS::Lambda::Function') {
          f.problem(`${flow.logicalId}: invokes ${l.functionArn}, not a function of this template`);
          continue;
        }
        const timeout = typeof fn.Properties?.Timeout === 'number' ? fn.Properties.Timeout : 3;
        f.add(
          ev(
            stack,
            fnId,
            'Properties.Timeout',
            fn.Properties?.Timeout ?? null,
            fn.Properties?.Timeout === undefined ? 'default 3 s' : stack.roleOf(fnId),
          ),
        );
        if (l.timeLimitSeconds !== undefined && timeout >= l.timeLimitSeconds) {
          f.problem(
            `${fnId}: Timeout ${timeout} s is not below the flow's time limit ${l.timeLimitSeconds} s (Connect, not the function, would decide the outcome)`,
          );
        }
        const associated = stack
          .ofType('AWS::Connect::IntegrationAssociation')
          .filter(([, r]) => stack.refTarget(r.Properties?.IntegrationArn) === fnId);
        for (const [aid, a] of associated) {
          f.add(ev(stack, aid, 'Properties.IntegrationArn', a.Properties?.IntegrationArn));
          if (stack.flatten(a.Properties?.InstanceId) !== instance) {
            f.problem(
              `${aid}: associates ${fnId} with ${stack.flatten(a.Properties?.InstanceId)}, not the flow's instance ${instance}`,
            );
          }
        }
        if (associated.length === 0)
          f.problem(`${fnId} is invoked by ${flow.logicalId} but not associated with the instance`);
      }
    }
    return f;
  },
};

export const flowsValid: Check = {
  id: 'FLOW-VALID',
  title: 'Every contact flow of the template is a valid flow-language document',
  concern: 'platform',
  run: (ctx) => {
    const f = new Findings();
    for (const stack of ctx.stacks) {
      for (const [id] of stack.ofType('AWS::Connect::ContactFlow')) {
        const flow = deployedFlow(stack, id);
        if (flow.error) f.problem(`${id}: ${flow.error}`);
        for (const issue of flow.validation?.errors ?? []) f.problem(`${id}: ${issue.message}`);
        f.add(
          ev(
            stack,
            id,
            'Properties.Type',
            flow.type,
            `${flow.validation?.errors.length ?? '?'} error(s), ${flow.validation?.warnings.length ?? '?'} warning(s)`,
          ),
        );
      }
    }
    return f;
  },
};

export const FLOW_CHECKS: readonly Check[] = [flowRecordingOff, flowNotice, flowWhisperLambda, flowsValid];
