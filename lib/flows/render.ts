/**
 * fairlisten's two contact flows.
 *
 * Data, not a builder: `inbound.flow.json` and `whisper.flow.json` are the exact documents Connect stores, in
 * the flow language (Version "2019-10-30"), with `{{name}}` placeholders where deployment values go. A works
 * council member or a Connect admin can read and diff them, import them in the flow designer, and compare
 * them with real exported flows; a builder would hide the very shape we are asked to prove. The price is that
 * the JSON is not type-checked, so every render is checked by validateFlow (structure) and the tests check the
 * behaviour (describeFlow: recording off first, notice before the whisper hook, key 9, fail closed).
 *
 * Rendering substitutes whole string values in the parsed document and serialises once with JSON.stringify.
 * Values may be unresolved CDK tokens (`${Token[TOKEN.123]}`): they are opaque strings here, survive
 * JSON.stringify unchanged, and CDK resolves them into an `Fn::Join` when the template is synthesized.
 */
import { readFileSync } from 'node:fs';
import { Token } from 'aws-cdk-lib';
import { DEFAULT_OBJECTION_ATTRIBUTE } from './describe';
import { drawnOnlyProblems } from './drawn-only';
import type { FlowDocument, FlowType } from './flow-language';
import { assertValidFlow } from './validate';

/** Contact attribute the inbound flow sets to "true" when the caller objects (and "false" otherwise). */
export const CALLER_OBJECTED_ATTRIBUTE = DEFAULT_OBJECTION_ATTRIBUTE;
export const CALLER_OBJECTED_VALUE = 'true';
export const CALLER_NOT_OBJECTED_VALUE = 'false';
/** DTMF key the caller presses to object to recording. */
export const OBJECTION_KEY = '9';
/** Seconds the caller has, after the notice, to press the objection key. */
export const OBJECTION_INPUT_SECONDS = 5;
/** Time limit of the sampler invocation in the whisper flow (the agent hears silence meanwhile). */
export const SAMPLER_TIME_LIMIT_SECONDS = 3;

export const DEFAULT_NOTICE_TEXT =
  'Cet appel peut être enregistré à des fins de formation et de qualité. Pour vous y opposer, appuyez sur 9. ' +
  'This call may be recorded for training and quality purposes. To object, press 9.';
export const DEFAULT_QUEUE_AT_CAPACITY_TEXT =
  'Tous nos conseillers sont occupés. Merci de rappeler plus tard. ' +
  'All our advisers are busy. Please call again later.';
export const DEFAULT_TECHNICAL_ERROR_TEXT =
  'Nous rencontrons une difficulté technique. Merci de rappeler plus tard. ' +
  'We are experiencing technical difficulties. Please call again later.';
/**
 * Said when the caller's choice could not be collected (the input block failed): the call then
 * goes to the queue without the whisper hook, so the sampler never runs and it is not recorded.
 */
export const DEFAULT_NOT_RECORDED_TEXT =
  "Nous n'avons pas pu recueillir votre choix : cet appel ne sera pas enregistré. " +
  'We could not take your choice: this call will not be recorded.';
/** Amazon Polly French neural voice, so the French half of the notice is spoken correctly. */
export const DEFAULT_TEXT_TO_SPEECH_VOICE = 'Lea';

export const INBOUND_FLOW_TEMPLATE = new URL('./inbound.flow.json', import.meta.url);
export const WHISPER_FLOW_TEMPLATE = new URL('./whisper.flow.json', import.meta.url);
/** The whisper flow when Contact Lens is on: the same, plus analytics behind the sampler's "true". */
export const WHISPER_ANALYTICS_FLOW_TEMPLATE = new URL('./whisper-analytics.flow.json', import.meta.url);

/** Language of the calls Contact Lens transcribes (a language its post-contact analysis supports). */
export const DEFAULT_ANALYTICS_LANGUAGE = 'fr-FR';

/** A render input that cannot produce a deployable flow. */
export class FlowRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlowRenderError';
  }
}

export interface InboundFlowProps {
  /** ARN of the AGENT_WHISPER flow that invokes the sampler (may be a CDK token). */
  readonly whisperFlowArn: string;
  /** ARN of the working queue (may be a CDK token). */
  readonly queueArn: string;
  /** @default DEFAULT_NOTICE_TEXT - must mention the objection key */
  readonly noticeText?: string;
  /** @default DEFAULT_QUEUE_AT_CAPACITY_TEXT */
  readonly queueAtCapacityText?: string;
  /** @default DEFAULT_TECHNICAL_ERROR_TEXT */
  readonly technicalErrorText?: string;
  /** @default DEFAULT_NOT_RECORDED_TEXT */
  readonly notRecordedText?: string;
  /** @default DEFAULT_TEXT_TO_SPEECH_VOICE */
  readonly textToSpeechVoice?: string;
}

export interface WhisperFlowProps {
  /** ARN of the sampler Lambda (may be a CDK token); it must be associated with the Connect instance. */
  readonly samplerFunctionArn: string;
  /**
   * Contact Lens post-contact analytics for the contacts the sampler drew (and only those), with
   * sensitive data redacted from its output (redacted output only).
   * @default - off: the flow turns no analytics on
   */
  readonly contactLens?: {
    /** @default DEFAULT_ANALYTICS_LANGUAGE */
    readonly analyticsLanguage?: string;
  };
}

const PLACEHOLDER = /^\{\{(\w+)\}\}$/;

function loadTemplate(url: URL): unknown {
  return JSON.parse(readFileSync(url, 'utf8'));
}

/** Replaces every string value that is exactly `{{name}}`; throws on a placeholder without a value. */
export function substitutePlaceholders(node: unknown, values: Readonly<Record<string, string>>): unknown {
  if (typeof node === 'string') {
    const m = PLACEHOLDER.exec(node);
    if (!m) return node;
    const value = values[m[1]!];
    if (value === undefined)
      throw new FlowRenderError(`No value for placeholder ${node} in the flow template`);
    return value;
  }
  if (Array.isArray(node)) return node.map((n) => substitutePlaceholders(n, values));
  if (typeof node === 'object' && node !== null) {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, substitutePlaceholders(v, values)]));
  }
  return node;
}

function requireArn(name: string, value: string, service: 'connect' | 'lambda', resource: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new FlowRenderError(`${name} must be a non-empty ARN, got ${JSON.stringify(value)}`);
  }
  if (Token.isUnresolved(value)) return value;
  const pattern =
    service === 'lambda'
      ? /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+(:[\w$-]+)?$/
      : new RegExp(`^arn:aws[a-z-]*:connect:[a-z0-9-]+:\\d{12}:instance/[\\w-]+/${resource}/[\\w-]+$`);
  if (!pattern.test(value)) {
    throw new FlowRenderError(`${name} must be a ${service} ${resource} ARN or a CDK token, got ${value}`);
  }
  return value;
}

function requireText(name: string, value: string, mustMention?: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new FlowRenderError(`${name} must be non-empty text, got ${JSON.stringify(value)}`);
  }
  if (mustMention !== undefined && !value.includes(mustMention)) {
    throw new FlowRenderError(
      `${name} must tell the caller to press ${mustMention} to object, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function render(
  template: URL,
  values: Record<string, string>,
  flowType: FlowType,
  label: string,
  lambdas?: string[],
): string {
  const flow = substitutePlaceholders(loadTemplate(template), values) as FlowDocument;
  const content = JSON.stringify(flow);
  assertValidFlow(content, {
    requireUuidIdentifiers: true,
    flowType,
    label,
    ...(lambdas ? { associatedLambdaArns: lambdas } : {}),
  });
  return content;
}

/** The inbound CONTACT_FLOW content: recording off, notice + objection, whisper hook, queue. */
export function renderInboundFlow(props: InboundFlowProps): string {
  return render(
    INBOUND_FLOW_TEMPLATE,
    {
      whisperFlowArn: requireArn('whisperFlowArn', props.whisperFlowArn, 'connect', 'contact-flow'),
      queueArn: requireArn('queueArn', props.queueArn, 'connect', 'queue'),
      noticeText: requireText('noticeText', props.noticeText ?? DEFAULT_NOTICE_TEXT, OBJECTION_KEY),
      queueAtCapacityText: requireText(
        'queueAtCapacityText',
        props.queueAtCapacityText ?? DEFAULT_QUEUE_AT_CAPACITY_TEXT,
      ),
      technicalErrorText: requireText(
        'technicalErrorText',
        props.technicalErrorText ?? DEFAULT_TECHNICAL_ERROR_TEXT,
      ),
      notRecordedText: requireText('notRecordedText', props.notRecordedText ?? DEFAULT_NOT_RECORDED_TEXT),
      textToSpeechVoice: requireText(
        'textToSpeechVoice',
        props.textToSpeechVoice ?? DEFAULT_TEXT_TO_SPEECH_VOICE,
      ),
    },
    'CONTACT_FLOW',
    'inbound contact flow',
  );
}

/**
 * The AGENT_WHISPER flow content: invoke the sampler (3 s), then end; on error just end (recording
 * stays off). With Contact Lens, a contact the sampler answered `record=true` for (its recording
 * started) also gets post-contact analytics; every other contact goes straight to the end.
 */
export function renderWhisperFlow(props: WhisperFlowProps): string {
  const arn = requireArn('samplerFunctionArn', props.samplerFunctionArn, 'lambda', 'function');
  const lens = props.contactLens;
  const language = lens?.analyticsLanguage ?? DEFAULT_ANALYTICS_LANGUAGE;
  if (lens && !/^[a-z]{2}-[A-Z]{2}$/.test(language)) {
    throw new FlowRenderError(`analyticsLanguage must look like fr-FR, got ${JSON.stringify(language)}`);
  }
  const content = render(
    lens ? WHISPER_ANALYTICS_FLOW_TEMPLATE : WHISPER_FLOW_TEMPLATE,
    lens ? { samplerFunctionArn: arn, analyticsLanguage: language } : { samplerFunctionArn: arn },
    'AGENT_WHISPER',
    'agent whisper flow',
    [arn],
  );
  const problems = drawnOnlyProblems(content, { samplerFunctionArn: arn, contactLens: lens !== undefined });
  if (problems.length > 0)
    throw new FlowRenderError(
      `agent whisper flow records or analyses undrawn contacts:\n  - ${problems.join('\n  - ')}`,
    );
  return content;
}
