/**
 * Facts about a flow that the compliance report prints: is recording off before any transfer, is the
 * notice played first, where is the objection attribute set, which Lambdas run with which time limits,
 * which agent whisper flow is hooked.
 *
 * The path facts come from a may-analysis over the flow graph (loops included): for every action we collect
 * the set of states a contact can be in when it arrives there, a state being (recording behaviour last set,
 * notice played?, agent whisper hook set?). Success branches apply the action's effect; error branches do not
 * (the action failed), except the input timeouts after which the prompt has been played.
 *
 * ARN positions may hold anything: real ARNs, `$.` references, `${Token[...]}` or `{{placeholder}}` strings
 * (the compliance report reads synthesized templates); they are reported as given.
 */
import type { SamplerAnswer } from '../../lambda/sampler/sampler';
import {
  edgesOf,
  type FlowAction,
  type FlowDocument,
  flowDocumentSchema,
  readFlowInput,
} from './flow-language';

export const DEFAULT_OBJECTION_ATTRIBUTE = 'fairlistenCallerObjected';

export type RecordingState = 'unset' | 'off' | 'on';

export interface RecordingAction {
  readonly actionId: string;
  /** `UpdateContactRecordingBehavior` or its successor `UpdateContactRecordingAndAnalyticsBehavior`. */
  readonly type: string;
  readonly recordedParticipants: readonly string[];
  readonly ivrRecordingBehavior?: string;
  readonly screenRecordedParticipants: readonly string[];
  /** `off` when nobody (agent, customer, IVR, screen) is recorded. */
  readonly sets: Exclude<RecordingState, 'unset'>;
  /** The action turns Contact Lens voice analytics on (`Enabled: "True"`). */
  readonly analytics: boolean;
  /**
   * Every path from the start to this action leaves a draw guard through its "true" branch (see
   * {@link DrawGuard}): the action runs only for contacts the sampler answered `record=true` for.
   */
  readonly drawnOnly: boolean;
}

/**
 * A `Compare` of the sampler's answer, `$.External.<attribute>` Equals "true", entered only through
 * the success branch of an `InvokeLambdaFunction` (an error branch leaves no answer to compare).
 */
export interface DrawGuard {
  readonly actionId: string;
  /** The functions whose answer it compares (every invocation that leads to it). */
  readonly functionArns: readonly string[];
}

/** Attribute of the sampler's answer that says the contact is recorded (`{record: "true"|"false"}`). */
export const SAMPLER_RECORD_ATTRIBUTE = 'record' satisfies keyof SamplerAnswer;

export interface LambdaInvocation {
  readonly actionId: string;
  readonly functionArn: string;
  /** Parsed `InvocationTimeLimitSeconds`; undefined when absent or not an integer. */
  readonly timeLimitSeconds?: number;
  readonly invocationType?: string;
  readonly responseType?: string;
}

export interface ObjectionBranch {
  readonly inputActionId: string;
  readonly key: string;
  readonly targetActionId: string;
  /** Value the target action gives the objection attribute, if it sets it. */
  readonly setsAttributeTo?: string;
}

export interface FlowPrompt {
  readonly actionId: string;
  readonly type: string;
  /** Text, SSML, prompt id/ARN, or "(media)". */
  readonly text: string;
}

/**
 * Booleans about "every transfer / every hook" are vacuously true when the flow has none: read them together
 * with `transfers` and `whisperHooks`.
 */
export interface FlowFacts {
  readonly startActionId: string;
  readonly startActionType: string;
  readonly actionTypes: readonly string[];
  readonly recording: {
    readonly actions: readonly RecordingAction[];
    /** The start action turns all recording off (so it precedes everything else reachable). */
    readonly offAtStart: boolean;
    /** Any action that turns recording on. */
    readonly enablesRecording: boolean;
    /** Recording states a contact can have when reaching each TransferContactToQueue. */
    readonly atTransfer: ReadonlyArray<{
      readonly actionId: string;
      readonly states: readonly RecordingState[];
    }>;
    /** Every transfer is reached only with recording explicitly off. */
    readonly offBeforeEveryTransfer: boolean;
    /** Every terminal action (no outgoing branch) is reached only with recording explicitly off. */
    readonly offAtEveryEnd: boolean;
  };
  /** Every action that plays something to the caller (MessageParticipant, GetParticipantInput with a prompt). */
  readonly prompts: readonly FlowPrompt[];
  readonly notice: {
    /** The prompts that are the recording notice (see DescribeFlowOptions.isNoticeText). */
    readonly actions: readonly FlowPrompt[];
    readonly beforeEveryTransfer: boolean;
    /** Every path that sets the AgentWhisper hook (the only way our sampler runs) played the notice first. */
    readonly beforeWhisperHook: boolean;
    /** No path reaches a transfer with the whisper hook set but without the notice. */
    readonly beforeEveryRecordableTransfer: boolean;
  };
  readonly objection: {
    readonly attribute: string;
    readonly assignments: ReadonlyArray<{ readonly actionId: string; readonly value: string }>;
    readonly keyBranches: readonly ObjectionBranch[];
    /** Every path that sets the AgentWhisper hook went through an input offering the objection key. */
    readonly offeredBeforeWhisperHook: boolean;
  };
  readonly lambdas: readonly LambdaInvocation[];
  /** Contact Lens analytics: the actions that turn it on, and whether each runs only for drawn contacts. */
  readonly analytics: {
    readonly actions: readonly RecordingAction[];
    readonly guards: readonly DrawGuard[];
    /** No action turns analytics on, or every one that does runs only behind a draw guard. */
    readonly onlyWhenDrawn: boolean;
  };
  readonly whisperHooks: ReadonlyArray<{ readonly actionId: string; readonly flowArn: string }>;
  readonly transfers: readonly string[];
}

/** Errors after which the prompt of a GetParticipantInput has been played to the caller. */
const PROMPT_PLAYED_ERRORS = new Set(['InputTimeLimitExceeded', 'NoMatchingCondition', 'InvalidPhoneNumber']);

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === 'string') : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

const RECORDING_TYPES = new Set([
  'UpdateContactRecordingBehavior',
  'UpdateContactRecordingAndAnalyticsBehavior',
]);

function recordingOf(a: FlowAction, drawnOnly: ReadonlySet<string> = new Set()): RecordingAction | undefined {
  if (!RECORDING_TYPES.has(a.Type)) return undefined;
  const p = a.Parameters ?? {};
  // The older action: RecordingBehavior + AnalyticsBehavior. Its successor: VoiceBehavior
  // (VoiceRecordingBehavior, VoiceAnalyticsBehavior) and ScreenRecordingBehavior.
  const voice = obj(p.VoiceBehavior);
  const rb =
    a.Type === 'UpdateContactRecordingBehavior'
      ? obj(p.RecordingBehavior)
      : obj(voice.VoiceRecordingBehavior);
  const recordedParticipants = strings(rb.RecordedParticipants);
  const screenRecordedParticipants = strings(
    a.Type === 'UpdateContactRecordingBehavior'
      ? rb.ScreenRecordedParticipants
      : obj(p.ScreenRecordingBehavior).ScreenRecordedParticipants,
  );
  const ivr = str(rb.IVRRecordingBehavior);
  const analyticsOf = (v: unknown) => str(obj(v).Enabled) === 'True';
  const off =
    recordedParticipants.length === 0 && screenRecordedParticipants.length === 0 && ivr !== 'Enabled';
  return {
    actionId: a.Identifier,
    type: a.Type,
    recordedParticipants,
    screenRecordedParticipants,
    ...(ivr !== undefined ? { ivrRecordingBehavior: ivr } : {}),
    sets: off ? 'off' : 'on',
    analytics: analyticsOf(p.AnalyticsBehavior) || analyticsOf(voice.VoiceAnalyticsBehavior),
    drawnOnly: drawnOnly.has(a.Identifier),
  };
}

/** The draw guards of a flow (see {@link DrawGuard}). */
export function drawGuardsOf(flow: FlowDocument): DrawGuard[] {
  const incoming = new Map<string, Array<{ from: FlowAction; errorType?: string; via: string }>>();
  for (const a of flow.Actions) {
    for (const e of edgesOf(a)) {
      const list = incoming.get(e.to) ?? [];
      list.push({ from: a, via: e.via, ...(e.errorType !== undefined ? { errorType: e.errorType } : {}) });
      incoming.set(e.to, list);
    }
  }
  return flow.Actions.flatMap((a) => {
    if (a.Type !== 'Compare') return [];
    if (str(a.Parameters?.ComparisonValue) !== `$.External.${SAMPLER_RECORD_ATTRIBUTE}`) return [];
    const into = incoming.get(a.Identifier) ?? [];
    if (a.Identifier === flow.StartAction || into.length === 0) return [];
    if (!into.every((e) => e.from.Type === 'InvokeLambdaFunction' && e.via === 'NextAction')) return [];
    const functionArns = [
      ...new Set(into.map((e) => str(e.from.Parameters?.LambdaFunctionARN) ?? '(missing)')),
    ];
    return [{ actionId: a.Identifier, functionArns }];
  });
}

/**
 * Actions reachable from the start only through the "true" branch of a draw guard: remove those
 * branches, and whatever is still reachable can run for a contact that was not drawn.
 */
function drawnOnlyActions(flow: FlowDocument, guards: readonly DrawGuard[]): Set<string> {
  const byId = new Map(flow.Actions.map((a) => [a.Identifier, a] as const));
  const guardIds = new Set(guards.map((g) => g.actionId));
  const isTrueBranch = (a: FlowAction, to: string, via: string) => {
    if (!guardIds.has(a.Identifier) || !via.startsWith('Conditions[')) return false;
    const c = a.Transitions.Conditions?.[Number(via.slice('Conditions['.length, -1))];
    return (
      c !== undefined &&
      c.NextAction === to &&
      c.Condition.Operator === 'Equals' &&
      c.Condition.Operands.length === 1 &&
      c.Condition.Operands[0] === 'true'
    );
  };
  const open = new Set<string>([flow.StartAction]);
  const work = [flow.StartAction];
  while (work.length > 0) {
    const a = byId.get(work.pop()!);
    if (!a) continue;
    for (const e of edgesOf(a)) {
      if (isTrueBranch(a, e.to, e.via) || open.has(e.to)) continue;
      open.add(e.to);
      work.push(e.to);
    }
  }
  return new Set(flow.Actions.map((a) => a.Identifier).filter((id) => !open.has(id)));
}

function promptOf(a: FlowAction): string | undefined {
  if (a.Type !== 'MessageParticipant' && a.Type !== 'GetParticipantInput') return undefined;
  const p = a.Parameters ?? {};
  return str(p.Text) ?? str(p.SSML) ?? str(p.PromptId) ?? (p.Media !== undefined ? '(media)' : undefined);
}

const whisperHookOf = (a: FlowAction): string | undefined =>
  a.Type === 'UpdateContactEventHooks' ? str(obj(a.Parameters?.EventHooks).AgentWhisper) : undefined;

/** State key: recording|notice played|whisper hook set|objection offered, e.g. "off|1|0|1". */
type Bit = 0 | 1;
type State = `${RecordingState}|${Bit}|${Bit}|${Bit}`;
const parseState = (s: State) => {
  const [rec, notice, hook, offered] = s.split('|') as [RecordingState, string, string, string];
  return { rec, notice: notice === '1', hook: hook === '1', offered: offered === '1' };
};
const bit = (b: boolean): Bit => (b ? 1 : 0);

interface Classifier {
  isNotice(a: FlowAction): boolean;
  offersObjection(a: FlowAction): boolean;
}

function analyse(flow: FlowDocument, classify: Classifier): Map<string, Set<State>> {
  const byId = new Map(flow.Actions.map((a) => [a.Identifier, a] as const));
  const states = new Map<string, Set<State>>();
  const work: string[] = [];
  const add = (id: string, s: State) => {
    if (!byId.has(id)) return;
    let set = states.get(id);
    if (!set) {
      set = new Set();
      states.set(id, set);
    }
    if (!set.has(s)) {
      set.add(s);
      work.push(id);
    }
  };
  add(flow.StartAction, 'unset|0|0|0');
  while (work.length > 0) {
    const a = byId.get(work.pop()!)!;
    const rec = recordingOf(a);
    const notice = classify.isNotice(a);
    const offers = classify.offersObjection(a);
    const hook = whisperHookOf(a) !== undefined;
    for (const inState of [...(states.get(a.Identifier) ?? [])]) {
      const s = parseState(inState);
      for (const edge of edgesOf(a)) {
        const ok = edge.errorType === undefined;
        const played = ok || PROMPT_PLAYED_ERRORS.has(edge.errorType ?? '');
        const r = ok && rec ? rec.sets : s.rec;
        const n = bit(s.notice || (notice && played));
        const h = bit(s.hook || (ok && hook));
        const o = bit(s.offered || (offers && played));
        add(edge.to, `${r}|${n}|${h}|${o}`);
      }
    }
  }
  return states;
}

export interface DescribeFlowOptions {
  /** @default DEFAULT_OBJECTION_ATTRIBUTE */
  readonly objectionAttribute?: string;
  /**
   * Which prompt text counts as the recording notice.
   * @default - text mentioning recording, in English or French (/record|enregistr/i)
   */
  readonly isNoticeText?: (text: string) => boolean;
}

const DEFAULT_NOTICE_TEXT = /record|enregistr/i;

/** Describes a flow in any shape validateFlow accepts. Throws FlowFormatError / a zod error if unparseable. */
export function describeFlow(content: unknown, opts: DescribeFlowOptions = {}): FlowFacts {
  const flow = flowDocumentSchema.parse(readFlowInput(content).raw);
  const attribute = opts.objectionAttribute ?? DEFAULT_OBJECTION_ATTRIBUTE;
  const isNoticeText = opts.isNoticeText ?? ((t: string) => DEFAULT_NOTICE_TEXT.test(t));
  const byId = new Map(flow.Actions.map((a) => [a.Identifier, a] as const));

  const attributeValue = (a: FlowAction | undefined) =>
    a?.Type === 'UpdateContactAttributes' ? str(obj(a.Parameters?.Attributes)[attribute]) : undefined;

  const keyBranches: ObjectionBranch[] = flow.Actions.filter((a) => a.Type === 'GetParticipantInput').flatMap(
    (a) =>
      (a.Transitions.Conditions ?? []).flatMap((c) => {
        const value = attributeValue(byId.get(c.NextAction));
        const key = c.Condition.Operator === 'Equals' ? str(c.Condition.Operands[0]) : undefined;
        if (key === undefined || value === undefined) return [];
        return [{ inputActionId: a.Identifier, key, targetActionId: c.NextAction, setsAttributeTo: value }];
      }),
  );
  const offering = new Set(keyBranches.map((b) => b.inputActionId));
  const isNotice = (a: FlowAction) => {
    const text = promptOf(a);
    return text !== undefined && isNoticeText(text);
  };

  const states = analyse(flow, { isNotice, offersObjection: (a) => offering.has(a.Identifier) });
  const statesAt = (id: string) => [...(states.get(id) ?? [])].map(parseState);
  const allReach = (ids: readonly string[], pred: (s: ReturnType<typeof parseState>) => boolean) =>
    ids.every((id) => statesAt(id).every(pred));

  const guards = drawGuardsOf(flow);
  const drawnOnly = drawnOnlyActions(flow, guards);
  const recordingActions = flow.Actions.map((a) => recordingOf(a, drawnOnly)).filter((r) => r !== undefined);
  const analyticsActions = recordingActions.filter((r) => r.analytics);
  const transfers = flow.Actions.filter((a) => a.Type === 'TransferContactToQueue').map((a) => a.Identifier);
  const ends = flow.Actions.filter((a) => edgesOf(a).length === 0).map((a) => a.Identifier);
  const hooks = flow.Actions.flatMap((a) => {
    const flowArn = whisperHookOf(a);
    return flowArn !== undefined ? [{ actionId: a.Identifier, flowArn }] : [];
  });
  const hookIds = hooks.map((h) => h.actionId);
  const start = byId.get(flow.StartAction);
  const prompts = flow.Actions.flatMap((a) => {
    const text = promptOf(a);
    return text !== undefined ? [{ actionId: a.Identifier, type: a.Type, text }] : [];
  });

  return {
    startActionId: flow.StartAction,
    startActionType: start?.Type ?? '(missing)',
    actionTypes: [...new Set(flow.Actions.map((a) => a.Type))].sort(),
    recording: {
      actions: recordingActions,
      offAtStart: start !== undefined && recordingOf(start)?.sets === 'off',
      enablesRecording: recordingActions.some((r) => r.sets === 'on'),
      atTransfer: transfers.map((actionId) => ({
        actionId,
        states: [...new Set(statesAt(actionId).map((s) => s.rec))].sort(),
      })),
      offBeforeEveryTransfer: allReach(transfers, (s) => s.rec === 'off'),
      offAtEveryEnd: allReach(ends, (s) => s.rec === 'off'),
    },
    prompts,
    notice: {
      actions: prompts.filter((p) => isNoticeText(p.text)),
      beforeEveryTransfer: allReach(transfers, (s) => s.notice),
      beforeWhisperHook: allReach(hookIds, (s) => s.notice),
      beforeEveryRecordableTransfer: allReach(transfers, (s) => !s.hook || s.notice),
    },
    objection: {
      attribute,
      assignments: flow.Actions.flatMap((a) => {
        const value = attributeValue(a);
        return value !== undefined ? [{ actionId: a.Identifier, value }] : [];
      }),
      keyBranches,
      offeredBeforeWhisperHook: allReach(hookIds, (s) => s.offered),
    },
    lambdas: flow.Actions.filter((a) => a.Type === 'InvokeLambdaFunction').map((a) => {
      const p = a.Parameters ?? {};
      const limit = str(p.InvocationTimeLimitSeconds);
      const invocationType = str(p.InvocationType);
      const responseType = str(obj(p.ResponseValidation).ResponseType);
      return {
        actionId: a.Identifier,
        functionArn: str(p.LambdaFunctionARN) ?? '(missing)',
        ...(limit !== undefined && /^\d+$/.test(limit) ? { timeLimitSeconds: Number(limit) } : {}),
        ...(invocationType !== undefined ? { invocationType } : {}),
        ...(responseType !== undefined ? { responseType } : {}),
      };
    }),
    analytics: {
      actions: analyticsActions,
      guards,
      onlyWhenDrawn: analyticsActions.every((r) => r.drawnOnly),
    },
    whisperHooks: hooks,
    transfers,
  };
}
