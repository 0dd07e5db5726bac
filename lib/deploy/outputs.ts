/**
 * The stack outputs: one list of names, written by the stack and read by the CLI from the file
 * `cdk deploy --outputs-file cdk-outputs.json` writes ({ "<stack>": { "<name>": "<value>" } }).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const STACK_OUTPUTS = {
  PolicyVersion: 'Recording policy version agreed with the works council',
  SamplingRate: 'Deployed sampling rate (C4)',
  RetentionDays: 'Recording retention in days (C3)',
  ApiUrl: 'fairlisten HTTP API endpoint',
  Issuer: 'JWT issuer the API accepts (OIDC discovery at <issuer>/.well-known/openid-configuration)',
  UserPoolId: 'Cognito user pool of fairlisten users (when the stack creates it)',
  UserPoolClientId: 'Public OAuth client (code flow with PKCE) of the agent workspace app and the CLI',
  SignInUrl: 'Hosted sign-in page (OAuth code flow with PKCE)',
  ConnectInstanceId: 'Amazon Connect instance id',
  ConnectInstanceArn: 'Amazon Connect instance ARN',
  QueueArn: 'Queue the fairlisten inbound flow transfers to',
  InboundFlowArn: 'Inbound flow: notice, objection key, agent whisper, queue (route phone numbers here)',
  WhisperFlowArn: 'Agent whisper flow: asks the sampler whether the call is recorded',
  RoutingProfileArn:
    'Routing profile with the fairlisten queue (assign it to the agents who take those calls)',
  PhoneNumber: 'Phone number claimed on the instance and routed to the inbound flow',
  RecordingsBucketName: 'Recordings bucket (EU region, KMS, versioned)',
  AuditBucketName: 'Audit bucket (Object Lock): chain exports, seeds, publications',
  DecisionsTableName: 'Sampling decisions table',
  SeedsTableName: 'Lottery seeds table',
  AuditTableName: 'Audit hash-chain table',
  RecordingsIndexTableName: 'Recordings index table',
  RequestsTableName: 'Deletion and redaction requests table',
  ListeningTableName: 'Listen assignments and evaluations table',
  PlansTableName: 'Coaching plans table',
  AlarmTopicArn: 'Subscribe here to be told of tampering and of events that could not be processed',
  WorkspaceAppUrl:
    'Agent workspace app URL (register it under Agent applications; AppIntegrations application fairlisten)',
  WorkspaceAppBucketName:
    'Bucket the agent workspace app bundle is uploaded to (served only through CloudFront)',
  WorkspaceAppDistributionId:
    'CloudFront distribution of the agent workspace app (invalidate after an upload)',
  WorkspaceAppApplicationArn:
    'AppIntegrations application of the agent workspace app, associated with the instance',
  HeadsSigningKeyArn:
    'KMS key (ECC_NIST_P256) that signs the audit heads under published/heads/; its public key is published/keys/<sha256>.pem',
} as const;

export type StackOutputName = keyof typeof STACK_OUTPUTS;

/**
 * Outputs that exist only when the stack creates the resource (Cognito when no external issuer;
 * the workspace app when the instance alias is known).
 */
const OPTIONAL = [
  'RoutingProfileArn',
  'PhoneNumber',
  'UserPoolId',
  'UserPoolClientId',
  'SignInUrl',
  'WorkspaceAppUrl',
  'WorkspaceAppBucketName',
  'WorkspaceAppDistributionId',
  'WorkspaceAppApplicationArn',
] as const satisfies readonly StackOutputName[];

export type StackOutputs = { readonly stackName: string } & {
  readonly [K in StackOutputName]: K extends (typeof OPTIONAL)[number] ? string | undefined : string;
};

const outputsFileSchema = z.record(z.string(), z.record(z.string(), z.unknown()));

export class OutputsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputsError';
  }
}

/**
 * The outputs of one fairlisten stack in a `cdk deploy --outputs-file` file: the stack named
 * `stackName`, else the only stack that has fairlisten's outputs. Names what is missing.
 */
export function readStackOutputs(file: string, stackName?: string): StackOutputs {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new OutputsError(`cannot read the outputs file ${file}: ${(err as Error).message}`);
  }
  const parsed = outputsFileSchema.safeParse(raw);
  if (!parsed.success) throw new OutputsError(`${file} is not a \`cdk deploy --outputs-file\` file`);
  const stacks = Object.entries(parsed.data).filter(([name, o]) =>
    stackName ? name === stackName : typeof o.DecisionsTableName === 'string',
  );
  if (stacks.length !== 1) {
    const names = Object.keys(parsed.data).join(', ') || 'none';
    throw new OutputsError(
      stackName
        ? `${file} has no stack ${stackName} (stacks: ${names})`
        : `${file} has ${stacks.length} fairlisten stacks (${names}): name one with --stack`,
    );
  }
  const [name, values] = stacks[0]!;
  const missing = (Object.keys(STACK_OUTPUTS) as StackOutputName[]).filter(
    (k) => !(OPTIONAL as readonly string[]).includes(k) && typeof values[k] !== 'string',
  );
  if (missing.length > 0) {
    throw new OutputsError(
      `${file}: stack ${name} lacks the outputs ${missing.join(', ')} (deployed with an older fairlisten? run cdk deploy again)`,
    );
  }
  const result: Record<string, string | undefined> = { stackName: name };
  for (const k of Object.keys(STACK_OUTPUTS)) {
    result[k] = typeof values[k] === 'string' ? (values[k] as string) : undefined;
  }
  return result as StackOutputs;
}
