/**
 * A structural validator for Amazon Connect flow language documents, run by the tests and at synth so a
 * broken flow cannot be deployed. It finds every problem in one pass and names the action in each message.
 *
 * Identifiers: Connect's console writes UUIDs, but real exported flows also use friendly names
 * ("FLOW_OBJECT_MAPS#", "Set Agent Whisper", "Enable Logging" in shared/corpus/flows, with
 * `isFriendlyName: true` in the metadata) and Connect accepts them. A non-UUID identifier is therefore a
 * warning by default and an error only with `requireUuidIdentifiers: true` (which our own flows pass).
 */
import type { z } from 'zod';
import {
  edgesOf,
  FLOW_LANGUAGE_VERSION,
  type FlowDocument,
  FlowFormatError,
  type FlowType,
  flowDocumentSchema,
  readFlowInput,
} from './flow-language';

/** Connect quotas checked here. */
export const MAX_FLOW_ACTIONS = 250;
export const MAX_FLOW_CONTENT_CHARS = 256_000;
/** InvokeLambdaFunction: "Must be greater than 0, no larger than 8, and an integer" (synchronous calls). */
export const MAX_SYNC_LAMBDA_SECONDS = 8;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Actions the flow language reference forbids in some flow types (checked only when the type is known, from
 * the option or the wrapper's `Type`). Sources: the Restrictions section of each action's reference page.
 */
const FORBIDDEN_IN: Readonly<Record<string, readonly FlowType[]>> = {
  // "not supported in agent/customer whispers or hold flows"
  UpdateContactRecordingBehavior: ['AGENT_WHISPER', 'CUSTOMER_WHISPER', 'AGENT_HOLD', 'CUSTOMER_HOLD'],
  // "can be used in contact flows, transfer flows, and customer queue flows but not in whisper flows or hold flows"
  GetParticipantInput: [
    'AGENT_WHISPER',
    'CUSTOMER_WHISPER',
    'OUTBOUND_WHISPER',
    'AGENT_HOLD',
    'CUSTOMER_HOLD',
  ],
  // "supported only in inbound contact flows and transfer flows"
  UpdateContactTargetQueue: [
    'AGENT_WHISPER',
    'CUSTOMER_WHISPER',
    'OUTBOUND_WHISPER',
    'AGENT_HOLD',
    'CUSTOMER_HOLD',
    'CUSTOMER_QUEUE',
  ],
};

export type FlowIssueCode =
  | 'NOT_JSON'
  | 'LEGACY_FORMAT'
  | 'UNKNOWN_SHAPE'
  | 'SCHEMA'
  | 'VERSION'
  | 'START_ACTION'
  | 'DUPLICATE_IDENTIFIER'
  | 'IDENTIFIER_NOT_UUID'
  | 'DANGLING_NEXT_ACTION'
  | 'UNREACHABLE_ACTION'
  | 'TOO_MANY_ACTIONS'
  | 'CONTENT_TOO_LARGE'
  | 'LAMBDA_NOT_ASSOCIATED'
  | 'LAMBDA_DYNAMIC_ARN'
  | 'LAMBDA_PARAMETERS'
  | 'EVENT_HOOKS'
  | 'ACTION_NOT_ALLOWED_IN_FLOW_TYPE';

export interface FlowIssue {
  readonly code: FlowIssueCode;
  readonly message: string;
  /** The action the issue is about, when there is one. */
  readonly actionId?: string;
}

export interface FlowValidationResult {
  readonly valid: boolean;
  readonly errors: readonly FlowIssue[];
  readonly warnings: readonly FlowIssue[];
  /** The parsed document, when it got past the schema. */
  readonly flow?: FlowDocument;
  /** Length of the content string Connect would store. */
  readonly contentLength?: number;
  /** The flow type used for the per-type checks (option, else the wrapper's `Type`). */
  readonly flowType?: string;
}

export interface ValidateFlowOptions {
  /**
   * Lambda ARNs associated with the Connect instance. When given, every static `LambdaFunctionARN` of an
   * InvokeLambdaFunction must be one of them (plain string equality, so unresolved CDK token strings and
   * placeholder strings compare as they are).
   * @default - not checked
   */
  readonly associatedLambdaArns?: readonly string[];
  /** @default false - non-UUID identifiers are warnings (real exports use friendly names) */
  readonly requireUuidIdentifiers?: boolean;
  /** @default - the wrapper's `Type`, else no per-type checks */
  readonly flowType?: FlowType;
}

/** Thrown by assertValidFlow; `issues` holds every error found. */
export class FlowValidationError extends Error {
  constructor(
    readonly issues: readonly FlowIssue[],
    readonly label = 'contact flow',
  ) {
    super(`Invalid ${label}:\n  - ${issues.map((i) => i.message).join('\n  - ')}`);
    this.name = 'FlowValidationError';
  }
}

function describeSchemaIssue(issue: z.core.$ZodIssue, raw: Record<string, unknown>): FlowIssue {
  const [first, index, ...rest] = issue.path;
  if (first === 'Actions' && typeof index === 'number') {
    const action = Array.isArray(raw.Actions) ? (raw.Actions[index] as Record<string, unknown>) : undefined;
    const id = typeof action?.Identifier === 'string' ? action.Identifier : undefined;
    const where = rest.length > 0 ? `.${rest.map(String).join('.')}` : '';
    const name = id !== undefined ? `Action ${id} (Actions[${index}])` : `Actions[${index}]`;
    return {
      code: 'SCHEMA',
      message: `${name}${where}: ${issue.message}`,
      ...(id !== undefined ? { actionId: id } : {}),
    };
  }
  const path = issue.path.map(String).join('.');
  return { code: 'SCHEMA', message: path ? `${path}: ${issue.message}` : issue.message };
}

const label = (id: string, type: string) => `Action ${id} (${type})`;

/** Validates a flow in any accepted shape. Never throws; see assertValidFlow. */
export function validateFlow(input: unknown, opts: ValidateFlowOptions = {}): FlowValidationResult {
  const errors: FlowIssue[] = [];
  const warnings: FlowIssue[] = [];

  let read: ReturnType<typeof readFlowInput>;
  try {
    read = readFlowInput(input);
  } catch (e) {
    if (e instanceof FlowFormatError)
      return { valid: false, errors: [{ code: e.code, message: e.message }], warnings };
    throw e;
  }
  const flowType = opts.flowType ?? read.wrapperType;
  const base = { contentLength: read.content.length, ...(flowType !== undefined ? { flowType } : {}) };

  if (read.content.length > MAX_FLOW_CONTENT_CHARS) {
    errors.push({
      code: 'CONTENT_TOO_LARGE',
      message: `Flow content is ${read.content.length} characters; Connect accepts at most ${MAX_FLOW_CONTENT_CHARS}`,
    });
  }
  if (read.raw.Version !== FLOW_LANGUAGE_VERSION) {
    errors.push({
      code: 'VERSION',
      message: `Version must be "${FLOW_LANGUAGE_VERSION}", got ${JSON.stringify(read.raw.Version)}`,
    });
  }

  const parsed = flowDocumentSchema.safeParse(read.raw);
  if (!parsed.success) {
    errors.push(...parsed.error.issues.map((i) => describeSchemaIssue(i, read.raw)));
    return { valid: false, errors, warnings, ...base };
  }
  const flow = parsed.data;
  const actions = flow.Actions;

  if (actions.length > MAX_FLOW_ACTIONS) {
    errors.push({
      code: 'TOO_MANY_ACTIONS',
      message: `Flow has ${actions.length} actions; Connect accepts at most ${MAX_FLOW_ACTIONS} (last action: ${actions.at(-1)?.Identifier})`,
    });
  }

  // Identifiers: unique, UUID-shaped (configurable).
  const byId = new Map<string, (typeof actions)[number]>();
  const counts = new Map<string, number>();
  for (const a of actions) {
    counts.set(a.Identifier, (counts.get(a.Identifier) ?? 0) + 1);
    if (!byId.has(a.Identifier)) byId.set(a.Identifier, a);
  }
  for (const [id, n] of counts) {
    if (n > 1) {
      const types = actions.filter((a) => a.Identifier === id).map((a) => a.Type);
      errors.push({
        code: 'DUPLICATE_IDENTIFIER',
        actionId: id,
        message: `Action identifier ${id} is used by ${n} actions (${types.join(', ')}); identifiers must be unique`,
      });
    }
    if (!UUID.test(id)) {
      const issue: FlowIssue = {
        code: 'IDENTIFIER_NOT_UUID',
        actionId: id,
        message: `Action identifier "${id}" is not a UUID`,
      };
      (opts.requireUuidIdentifiers ? errors : warnings).push(issue);
    }
  }

  // StartAction and every NextAction resolve.
  if (!byId.has(flow.StartAction)) {
    errors.push({
      code: 'START_ACTION',
      actionId: flow.StartAction,
      message: `StartAction ${flow.StartAction} does not name any action`,
    });
  }
  for (const a of actions) {
    for (const edge of edgesOf(a)) {
      if (!byId.has(edge.to)) {
        const branch = edge.errorType !== undefined ? ` (ErrorType ${edge.errorType})` : '';
        errors.push({
          code: 'DANGLING_NEXT_ACTION',
          actionId: a.Identifier,
          message: `${label(a.Identifier, a.Type)}: Transitions.${edge.via}${branch} points to ${edge.to}, which is not an action of this flow`,
        });
      }
    }
  }

  // Reachability from StartAction.
  const reached = new Set<string>();
  if (byId.has(flow.StartAction)) {
    const stack = [flow.StartAction];
    reached.add(flow.StartAction);
    while (stack.length > 0) {
      const current = byId.get(stack.pop()!);
      if (!current) continue;
      for (const { to } of edgesOf(current)) {
        if (byId.has(to) && !reached.has(to)) {
          reached.add(to);
          stack.push(to);
        }
      }
    }
    for (const a of actions) {
      if (!reached.has(a.Identifier)) {
        errors.push({
          code: 'UNREACHABLE_ACTION',
          actionId: a.Identifier,
          message: `${label(a.Identifier, a.Type)} is not reachable from StartAction ${flow.StartAction}`,
        });
      }
    }
  }

  // Per-action parameter checks.
  const associated = opts.associatedLambdaArns ? new Set(opts.associatedLambdaArns) : undefined;
  for (const a of actions) {
    const p = a.Parameters ?? {};
    const forbidden = flowType !== undefined ? FORBIDDEN_IN[a.Type] : undefined;
    if (forbidden?.includes(flowType as FlowType)) {
      errors.push({
        code: 'ACTION_NOT_ALLOWED_IN_FLOW_TYPE',
        actionId: a.Identifier,
        message: `${label(a.Identifier, a.Type)} is not supported in ${flowType} flows`,
      });
    }
    if (a.Type === 'InvokeLambdaFunction') checkLambda(a.Identifier, p, associated, errors, warnings);
    if (a.Type === 'UpdateContactEventHooks') {
      const hooks = p.EventHooks;
      const n = hooks && typeof hooks === 'object' ? Object.keys(hooks).length : 0;
      if (n !== 1) {
        errors.push({
          code: 'EVENT_HOOKS',
          actionId: a.Identifier,
          message: `${label(a.Identifier, a.Type)}: Parameters.EventHooks must hold exactly one hook, found ${n}`,
        });
      }
    }
  }

  return { valid: errors.length === 0, errors, warnings, flow, ...base };
}

function checkLambda(
  id: string,
  p: Record<string, unknown>,
  associated: ReadonlySet<string> | undefined,
  errors: FlowIssue[],
  warnings: FlowIssue[],
): void {
  const name = label(id, 'InvokeLambdaFunction');
  const arn = p.LambdaFunctionARN;
  if (typeof arn !== 'string' || arn.length === 0) {
    errors.push({
      code: 'LAMBDA_PARAMETERS',
      actionId: id,
      message: `${name}: Parameters.LambdaFunctionARN must be a non-empty string`,
    });
  } else if (associated) {
    if (arn.startsWith('$.')) {
      warnings.push({
        code: 'LAMBDA_DYNAMIC_ARN',
        actionId: id,
        message: `${name}: LambdaFunctionARN ${arn} is set dynamically and cannot be checked against associatedLambdaArns`,
      });
    } else if (!associated.has(arn)) {
      errors.push({
        code: 'LAMBDA_NOT_ASSOCIATED',
        actionId: id,
        message: `${name}: LambdaFunctionARN ${arn} is not associated with the instance (associatedLambdaArns: ${[...associated].join(', ') || 'none'})`,
      });
    }
  }
  const limit = p.InvocationTimeLimitSeconds;
  const asynchronous = p.InvocationType === 'ASYNCHRONOUS';
  if (limit !== undefined && !asynchronous) {
    const seconds = typeof limit === 'string' && /^\d+$/.test(limit) ? Number(limit) : Number.NaN;
    if (!(seconds >= 1 && seconds <= MAX_SYNC_LAMBDA_SECONDS)) {
      errors.push({
        code: 'LAMBDA_PARAMETERS',
        actionId: id,
        message: `${name}: InvocationTimeLimitSeconds must be an integer string 1..${MAX_SYNC_LAMBDA_SECONDS}, got ${JSON.stringify(limit)}`,
      });
    }
  }
}

/** Validates and throws FlowValidationError listing every error; returns the result (with warnings) otherwise. */
export function assertValidFlow(
  input: unknown,
  opts: ValidateFlowOptions & { readonly label?: string } = {},
): FlowValidationResult & { readonly flow: FlowDocument } {
  const result = validateFlow(input, opts);
  if (!result.valid || !result.flow) throw new FlowValidationError(result.errors, opts.label);
  return result as FlowValidationResult & { readonly flow: FlowDocument };
}
