/**
 * The Amazon Connect contact-flow Lambda event, as the sampler receives it from the agent whisper
 * flow, and its normalisation to a `SamplerInput`.
 *
 * Where the agent comes from: the documented Lambda input (`Details.ContactData`) has no agent
 * field — ContactData carries ContactId, InitialContactId, PreviousContactId, Channel, Attributes,
 * Queue, InstanceARN, endpoints, MediaStreams… but not the agent. In an agent whisper flow the agent
 * is available to the flow as the system attribute `$.Agent.ARN`, and the flow passes it to the
 * Lambda as a function input parameter (LambdaInvocationAttributes), which arrives in
 * `Details.Parameters`. fairlisten's whisper flow therefore invokes the sampler with
 *
 *   Parameters: { "agentArn": "$.Agent.ARN" }
 *
 * and this parser reads the agent from `Details.Parameters.agentArn` only.
 *
 * Lenient on what we do not use (Connect adds fields; unknown keys are ignored, attribute values of
 * any type are tolerated), strict on what we use: lowercase UUID contact ids, ARN shapes in the event's
 * own instance, bounded lengths. Anything else is an `InvalidEventError`, which the handler answers
 * with record=false (reason `error`): a malformed event never leads to a recording.
 */
import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { CALLER_OBJECTED_ATTRIBUTE, type CallInput } from '../core/decision';

// zod/mini (tree-shakable: the sampler bundle stays small) with the messages of full zod.
z.config(en());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UUID_SRC = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const INSTANCE_ARN = new RegExp(
  `^arn:aws[a-z-]{0,20}:connect:[a-z]{2}(?:-[a-z]+){1,3}-\\d:\\d{12}:instance/(${UUID_SRC})$`,
);
const AGENT_ARN = new RegExp(
  `^(arn:aws[a-z-]{0,20}:connect:[a-z]{2}(?:-[a-z]+){1,3}-\\d:\\d{12}:instance/${UUID_SRC})/agent/(${UUID_SRC})$`,
);
const QUEUE_ARN = new RegExp(
  `^(arn:aws[a-z-]{0,20}:connect:[a-z]{2}(?:-[a-z]+){1,3}-\\d:\\d{12}:instance/${UUID_SRC})/queue/(${UUID_SRC})$`,
);
const MAX_ARN = 256;

const contactId = z
  .string()
  .check(z.maxLength(36), z.regex(UUID, { error: 'is not a Connect contact id (lowercase UUID)' }));
const attributeMap = z._default(z.record(z.string().check(z.maxLength(32_767)), z.unknown()), {});

/** The envelope: only the fields the sampler reads are checked; extra fields pass through unchecked. */
export const contactFlowEventSchema = z.looseObject({
  Name: z.literal('ContactFlowEvent'),
  Details: z.looseObject({
    ContactData: z.looseObject({
      ContactId: contactId,
      // Empty or null is read as absent; when present it must be a contact id.
      InitialContactId: z.pipe(
        z.optional(z.union([z.literal(''), z.null(), contactId])),
        z.transform((v: string | null | undefined) => (v ? v : undefined)),
      ),
      Channel: z.string().check(z.minLength(1), z.maxLength(32)),
      InstanceARN: z
        .string()
        .check(z.maxLength(MAX_ARN), z.regex(INSTANCE_ARN, { error: 'is not a Connect instance ARN' })),
      Attributes: attributeMap,
      Queue: z.optional(
        z.nullable(
          z.looseObject({
            ARN: z
              .string()
              .check(z.maxLength(MAX_ARN), z.regex(QUEUE_ARN, { error: 'is not a Connect queue ARN' })),
            Name: z.optional(z.string().check(z.maxLength(256))),
          }),
        ),
      ),
    }),
    Parameters: attributeMap,
  }),
});

export type ContactFlowEvent = z.output<typeof contactFlowEventSchema>;

/** What the sampler needs from the event, normalised. */
export interface SamplerInput {
  contactId: string;
  initialContactId?: string;
  instanceArn: string;
  agentArn: string;
  /** Bare agent UUID (the last segment of agentArn). */
  agentId: string;
  queueArn?: string;
  /** Bare queue UUID. */
  queueId?: string;
  queueName?: string;
  channel: string;
  /** Contact attribute fairlistenCallerObjected = "true". */
  callerObjected: boolean;
}

/** The call as the core decides it, under either algorithm version: the event's ids and objection, at `at`. */
export const callInputOf = (input: SamplerInput, at: Date): CallInput => ({
  contactId: input.contactId,
  initialContactId: input.initialContactId,
  agentId: input.agentId,
  queueId: input.queueId,
  callerObjected: input.callerObjected,
  at,
});

/** The event cannot be used; the sampler must answer record=false. `problems` has one line per issue. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid contact-flow event: ${problems.join('; ')}`);
  }
}

const sampled = (value: unknown): string => {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
};

/** Parses a contact-flow event; throws only InvalidEventError. */
export function parseContactFlowEvent(event: unknown): SamplerInput {
  let parsed: ReturnType<typeof contactFlowEventSchema.safeParse>;
  try {
    parsed = contactFlowEventSchema.safeParse(event);
  } catch (err) {
    // Hostile inputs (getters that throw, proxies) must not escape as something else.
    throw new InvalidEventError([`unreadable event: ${err instanceof Error ? err.message : String(err)}`]);
  }
  if (!parsed.success) {
    throw new InvalidEventError(
      parsed.error.issues.map((i) => {
        const path = i.path.map(String).join('.');
        return `${path || '(event)'}: ${i.message}`;
      }),
    );
  }
  const data = parsed.data.Details.ContactData;
  const params = parsed.data.Details.Parameters;
  const problems: string[] = [];
  const instanceArn = data.InstanceARN;

  const agentArn = params.agentArn;
  const agent = typeof agentArn === 'string' && agentArn.length <= MAX_ARN ? AGENT_ARN.exec(agentArn) : null;
  if (!agent) {
    problems.push(
      agentArn === undefined
        ? 'Details.Parameters.agentArn: missing (the whisper flow must pass $.Agent.ARN as agentArn)'
        : `Details.Parameters.agentArn: ${sampled(agentArn)} is not a Connect agent ARN`,
    );
  } else if (agent[1] !== instanceArn) {
    problems.push('Details.Parameters.agentArn: agent of another instance than InstanceARN');
  }

  let queueId: string | undefined;
  const queue = data.Queue ?? undefined;
  if (queue) {
    const q = QUEUE_ARN.exec(queue.ARN);
    if (q && q[1] !== instanceArn) problems.push('Details.ContactData.Queue.ARN: queue of another instance');
    queueId = q?.[2];
  }

  const objected = data.Attributes[CALLER_OBJECTED_ATTRIBUTE];
  if (objected !== undefined && objected !== 'true' && objected !== 'false') {
    problems.push(
      `Details.ContactData.Attributes.${CALLER_OBJECTED_ATTRIBUTE}: ${sampled(objected)} is not "true" or "false"`,
    );
  }
  if (problems.length > 0 || !agent) throw new InvalidEventError(problems);

  const input: SamplerInput = {
    contactId: data.ContactId,
    instanceArn,
    agentArn: agent[0],
    agentId: agent[2]!,
    channel: data.Channel,
    callerObjected: objected === 'true',
  };
  if (data.InitialContactId) input.initialContactId = data.InitialContactId;
  if (queue) {
    input.queueArn = queue.ARN;
    if (queueId) input.queueId = queueId;
    if (queue.Name !== undefined) input.queueName = queue.Name;
  }
  return input;
}

export type ParseResult = { ok: true; input: SamplerInput } | { ok: false; error: InvalidEventError };

/** Non-throwing variant. */
export function safeParseContactFlowEvent(event: unknown): ParseResult {
  try {
    return { ok: true, input: parseContactFlowEvent(event) };
  } catch (err) {
    if (err instanceof InvalidEventError) return { ok: false, error: err };
    return { ok: false, error: new InvalidEventError([`unexpected: ${String(err)}`]) };
  }
}
