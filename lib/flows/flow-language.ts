/**
 * The Amazon Connect flow language (Version "2019-10-30") as far as fairlisten needs it: a zod schema of
 * the document, and `readFlowInput`, which accepts every shape a flow reaches us in and hands back the
 * flow object plus the content string Connect would store.
 *
 * Shapes accepted (all seen in real repositories, see shared/corpus/SOURCES.md):
 * - the flow object itself, or a JSON string of it (`*.content.json`, our rendered flows);
 * - `{ Name, Type, Content: "<flow JSON as a string>" }` (Terraform / `aws connect create-contact-flow` input);
 * - `{ Content: { ...flow object } }`;
 * - `{ ContactFlow: { Name, Type, Content: "<string>" } }` (`aws connect describe-contact-flow` output).
 * The legacy console export (`modules` / `version` / `start`) is rejected with its own error: Connect cannot
 * deploy it through the API, it must be re-exported in the flow language.
 */
import { z } from 'zod';

export const FLOW_LANGUAGE_VERSION = '2019-10-30';

const nextAction = z.string().min(1, 'NextAction must be a non-empty action identifier');

const conditionSchema = z.looseObject({
  NextAction: nextAction,
  Condition: z.looseObject({ Operator: z.string().min(1), Operands: z.array(z.unknown()) }),
});

const errorBranchSchema = z.looseObject({
  NextAction: nextAction,
  ErrorType: z.string().min(1, 'ErrorType must be a non-empty string'),
});

const transitionsSchema = z.looseObject({
  NextAction: nextAction.optional(),
  Conditions: z.array(conditionSchema).optional(),
  Errors: z.array(errorBranchSchema).optional(),
});

/**
 * `Parameters` is optional: real console exports omit it on some actions (salesforce-scv's
 * TransferContactToQueue), and Connect accepts them. `Transitions` is always present (`{}` on terminal actions).
 */
const actionSchema = z.looseObject({
  Identifier: z.string().min(1, 'Identifier must be a non-empty string'),
  Type: z.string().min(1, 'Type must be a non-empty string'),
  Parameters: z.record(z.string(), z.unknown()).optional(),
  Transitions: transitionsSchema,
});

/** `Version` is checked separately so a wrong version does not hide the other findings. */
export const flowDocumentSchema = z.looseObject({
  Version: z.string(),
  StartAction: z.string().min(1, 'StartAction must be a non-empty action identifier'),
  Metadata: z.unknown().optional(),
  Settings: z.unknown().optional(),
  Actions: z.array(actionSchema).min(1, 'Actions must hold at least one action'),
});

export type FlowDocument = z.infer<typeof flowDocumentSchema>;
export type FlowAction = FlowDocument['Actions'][number];

/** Flow types of `CreateContactFlow` (the `Type` next to `Content`). */
export type FlowType =
  | 'CONTACT_FLOW'
  | 'CUSTOMER_QUEUE'
  | 'CUSTOMER_HOLD'
  | 'CUSTOMER_WHISPER'
  | 'AGENT_HOLD'
  | 'AGENT_WHISPER'
  | 'OUTBOUND_WHISPER'
  | 'AGENT_TRANSFER'
  | 'QUEUE_TRANSFER'
  | 'CAMPAIGN';

/** The input is not a flow language document at all (not JSON, legacy export, unknown wrapper). */
export class FlowFormatError extends Error {
  constructor(
    message: string,
    readonly code: 'NOT_JSON' | 'LEGACY_FORMAT' | 'UNKNOWN_SHAPE',
  ) {
    super(message);
    this.name = 'FlowFormatError';
  }
}

export const LEGACY_FORMAT_MESSAGE =
  'This is the legacy Amazon Connect console export format (top-level "modules", "version", "start"), ' +
  `not the flow language (Version "${FLOW_LANGUAGE_VERSION}", StartAction, Actions). Connect's API cannot ` +
  'deploy it: open the flow in the current flow designer and re-export it (or fetch it with ' +
  '`aws connect describe-contact-flow`) to get the flow language.';

export interface FlowInput {
  /** The parsed, not yet schema-checked document. */
  readonly raw: Record<string, unknown>;
  /** The content string as Connect would store it: the string we were given, or the compact JSON. */
  readonly content: string;
  /** `Type` of the wrapper, when there was one (`CONTACT_FLOW`, `AGENT_WHISPER` …). */
  readonly wrapperType?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function isLegacy(o: Record<string, unknown>): boolean {
  return Array.isArray(o.modules) && ('version' in o || 'start' in o);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new FlowFormatError(`Flow content is not valid JSON: ${reason}`, 'NOT_JSON');
  }
}

/**
 * Unwraps any accepted shape down to the flow document. Throws FlowFormatError for the legacy export and for
 * shapes that are neither a flow nor a known wrapper.
 */
export function readFlowInput(input: unknown): FlowInput {
  let current: unknown = input;
  let content: string | undefined;
  let wrapperType: string | undefined;
  // Each step strips one layer; four is more than any real shape needs (ContactFlow → Content → string).
  for (let depth = 0; depth < 5; depth++) {
    if (typeof current === 'string') {
      content = current;
      current = parseJson(current);
      continue;
    }
    if (!isRecord(current)) {
      const got = Array.isArray(current) ? 'an array' : current === null ? 'null' : typeof current;
      throw new FlowFormatError(
        `Expected a flow language document (object or JSON string), got ${got}`,
        'UNKNOWN_SHAPE',
      );
    }
    if (isLegacy(current)) throw new FlowFormatError(LEGACY_FORMAT_MESSAGE, 'LEGACY_FORMAT');
    if ('Actions' in current || 'StartAction' in current || 'Version' in current) {
      return {
        raw: current,
        content: content ?? JSON.stringify(current),
        ...(wrapperType !== undefined ? { wrapperType } : {}),
      };
    }
    if (isRecord(current.ContactFlow)) {
      current = current.ContactFlow;
      content = undefined;
      continue;
    }
    if ('Content' in current) {
      if (typeof current.Type === 'string') wrapperType = current.Type;
      current = current.Content;
      content = undefined;
      continue;
    }
    throw new FlowFormatError(
      'Expected a flow language document (Version, StartAction, Actions) or a wrapper with Content / ' +
        `ContactFlow.Content; got an object with keys ${Object.keys(current).join(', ') || '(none)'}`,
      'UNKNOWN_SHAPE',
    );
  }
  throw new FlowFormatError('Flow content is nested too deeply to be a known wrapper shape', 'UNKNOWN_SHAPE');
}

/** Every outgoing edge of an action, with the branch it belongs to. */
export interface FlowEdge {
  readonly from: string;
  readonly to: string;
  /** `NextAction`, `Conditions[i]` or `Errors[i]`. */
  readonly via: string;
  /** Set for error branches. */
  readonly errorType?: string;
}

export function edgesOf(action: FlowAction): FlowEdge[] {
  const t = action.Transitions;
  const edges: FlowEdge[] = [];
  if (t.NextAction !== undefined)
    edges.push({ from: action.Identifier, to: t.NextAction, via: 'NextAction' });
  t.Conditions?.forEach((c, i) => {
    edges.push({ from: action.Identifier, to: c.NextAction, via: `Conditions[${i}]` });
  });
  t.Errors?.forEach((e, i) => {
    edges.push({ from: action.Identifier, to: e.NextAction, via: `Errors[${i}]`, errorType: e.ErrorType });
  });
  return edges;
}
