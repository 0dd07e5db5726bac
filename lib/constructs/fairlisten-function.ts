import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack, Stage } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  Architecture,
  type CfnFunction,
  Code,
  Function as LambdaFunction,
  Runtime,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { bundleAllHandlers, PREBUILT_BUNDLES_CONTEXT } from './bundling';
import { acknowledge } from './nag';
import { markRole } from './roles';

export interface FairlistenFunctionProps {
  /** Folder under lambda/ holding handler.ts. */
  readonly handlerDir: string;
  /** Service name for logs. */
  readonly serviceName: string;
  /** Key encrypting the log group. */
  readonly logKey: IKey;
  /** Days the function's logs are kept (they hold identifiers only). */
  readonly logRetentionDays: number;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default - none besides the logging settings */
  readonly environment?: Record<string, string>;
  /**
   * The function appends to the audit log: synthesis fails until `AuditLog.bindWriter` has set its
   * audit environment and granted the append (its handler refuses to start without them).
   * @default false
   */
  readonly writesAudit?: boolean;
  readonly description: string;
}

/** Retention values CloudWatch Logs accepts; the nearest one at or below the policy's. */
/** The retentions CloudWatch Logs accepts, up to a year. */
export const LOG_RETENTIONS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365];

/**
 * A Node.js function with the settings every fairlisten function shares: pinned runtime, ARM,
 * X-Ray tracing, an explicit KMS-encrypted log group with bounded retention, and local esbuild
 * bundling (no Docker) with the same options the local simulation uses.
 */
export class FairlistenFunction extends LambdaFunction {
  /** The function's own log group (also reachable as `logGroup`). */
  readonly logs: LogGroup;
  readonly writesAudit: boolean;
  private auditBound = false;

  constructor(scope: Construct, id: string, props: FairlistenFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: LOG_RETENTIONS.filter((d) => d <= props.logRetentionDays).at(-1) ?? 1,
      encryptionKey: props.logKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Its own role without AWS managed policies: the log group grant below is all it needs to log.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `fairlisten ${props.serviceName}`,
    });
    logGroup.grantWrite(role);
    super(scope, id, {
      role,
      code: bundledCode(scope, id, props.handlerDir),
      handler: 'index.handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      timeout: props.timeout ?? Duration.seconds(10),
      memorySize: props.memorySize ?? 256,
      tracing: Tracing.ACTIVE,
      logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...props.environment,
      },
    });
    this.logs = logGroup;
    this.writesAudit = props.writesAudit ?? false;
    this.node.addValidation({
      validate: () =>
        this.writesAudit && !this.auditBound
          ? [
              `${this.node.path} appends to the audit log but is not bound to it: call AuditLog.bindWriter on it`,
            ]
          : [],
    });
    // Lambda refuses an environment above 4 KB at deploy time; say so at synthesis, naming the culprits.
    this.node.addValidation({
      validate: () => {
        const cfn = this.node.defaultChild as CfnFunction;
        const resolved: unknown = Stack.of(this).resolve(cfn.environment);
        const variables =
          resolved && typeof resolved === 'object' && 'variables' in resolved
            ? ((resolved as { variables?: Record<string, unknown> }).variables ?? {})
            : {};
        const problem = environmentSizeProblem(variables);
        return problem ? [`${this.node.path}: ${problem}`] : [];
      },
    });
    markRole(this, `function:${props.handlerDir}`);
    markRole(role, `role:${props.handlerDir}`);

    acknowledge(
      this,
      ['hipaa', 'nist', 'pci'],
      'LambdaInsideVPC',
      'The function calls only AWS APIs (DynamoDB, S3, Connect, KMS) over TLS with IAM-signed requests and has no network-reachable resource to protect; a VPC would add NAT or endpoints without narrowing what it can reach.',
    );
    acknowledge(
      this,
      ['hipaa', 'nist', 'serverless'],
      'LambdaDLQ',
      'Invoked synchronously (Connect flow, API Gateway), by schedules whose next run resumes the work, or by streams with their own on-failure queue; the asynchronously invoked ingest and recording actions send failed events to an on-failure destination queue with an alarm (guardAsyncFunction) rather than the older dead-letter config this rule looks for.',
    );
    acknowledge(
      this,
      ['hipaa', 'nist'],
      'LambdaConcurrency',
      'Concurrency is bounded by the account limit; reserving it per function can make a deploy fail in small accounts, and throttling already fails closed (no recording, no URL).',
    );
    acknowledge(
      role,
      ['solutions'],
      'IAM5[Resource::*]',
      'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions; every other statement of this role is scoped to named resources.',
    );
    for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
      acknowledge(
        role,
        ['solutions'],
        `IAM5[Action::${action}]`,
        'Generated by CDK KMS grants for encrypted tables and buckets; the resource is the one named key, and the wildcard only spans that action’s variants.',
      );
    }
    acknowledge(
      role,
      ['hipaa', 'nist', 'pci'],
      'IAMNoInlinePolicy',
      'The policy is generated from CDK grants for this one role only and lists its exact resources; a customer-managed policy would hold the same statements and be no narrower.',
    );
  }

  /**
   * Records that the audit log set this function's audit environment and granted the append; for
   * `AuditLog.bindWriter` only. A function binds to one audit log, once.
   */
  markAuditBound(): void {
    if (!this.writesAudit) {
      throw new Error(
        `${this.node.path} does not declare writesAudit: true; only auditing functions are bound to the audit log`,
      );
    }
    if (this.auditBound) throw new Error(`${this.node.path} is already bound to the audit log`);
    this.auditBound = true;
  }
}

/** Lambda's limit on a function's environment: the UTF-8 bytes of every name and value together. */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;

/**
 * Bytes a value resolved by CloudFormation may take, for a value the template does not spell out:
 * a generated physical name (a `Ref`: stack name, trimmed logical id and a random suffix) or an ARN
 * built on one (`Fn::GetAtt`). An upper estimate, not a measure: names CloudFormation generates for
 * this stack are about 60 bytes.
 */
const UNRESOLVED_BYTES = { ref: 128, getAtt: 200, other: 256 };

function estimatedBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number' || typeof value === 'boolean') return String(value).length;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if ('Ref' in o) return UNRESOLVED_BYTES.ref;
    if ('Fn::GetAtt' in o) return UNRESOLVED_BYTES.getAtt;
    const join = o['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      const parts = join[1] as unknown[];
      return (
        parts.reduce<number>((s, p) => s + estimatedBytes(p), 0) +
        join[0].length * Math.max(0, parts.length - 1)
      );
    }
  }
  return UNRESOLVED_BYTES.other;
}

/**
 * Why an environment (names → values as the template holds them) would not fit Lambda's 4 KB, or
 * undefined when it fits; values CloudFormation resolves at deploy time count at an upper estimate.
 */
export function environmentSizeProblem(variables: Readonly<Record<string, unknown>>): string | undefined {
  const sizes = Object.entries(variables).map(
    ([name, value]) => [name, Buffer.byteLength(name, 'utf8') + estimatedBytes(value)] as const,
  );
  const total = sizes.reduce((s, [, n]) => s + n, 0);
  if (total <= LAMBDA_ENVIRONMENT_LIMIT_BYTES) return undefined;
  const largest = [...sizes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([name, n]) => `${name} (${n} bytes)`)
    .join(', ');
  return (
    `its environment takes about ${total} bytes, above Lambda's ${LAMBDA_ENVIRONMENT_LIMIT_BYTES}-byte limit ` +
    `(the deployment would fail); largest: ${largest}. Shorten what the policy puts there ` +
    '(for example excluded agents and queues as ids rather than ARNs).'
  );
}

/**
 * The handler bundled in-process by esbuild, with the options the local simulation uses too, into
 * the app's output folder; the asset hash is that of the bundle's content. All handlers are bundled
 * in one esbuild run on first use (NodejsFunction would start `npx esbuild` once per function, and
 * parse the bundled SDK once per function: most of a synth's time). When the stack is not bundled
 * (`aws:cdk:bundling-stacks` excludes it, as in most tests), a fixed stand-in file takes its place.
 * With `PREBUILT_BUNDLES_CONTEXT` set, the bundles already built there are the assets.
 */
function bundledCode(scope: Construct, id: string, handlerDir: string): Code {
  const bundlesDir = join(Stage.of(scope)?.outdir ?? '.', '.bundles');
  if (Stack.of(scope).bundlingRequired) {
    const prebuilt = scope.node.tryGetContext(PREBUILT_BUNDLES_CONTEXT) as string | undefined;
    if (prebuilt !== undefined) {
      const dir = join(prebuilt, handlerDir);
      if (!existsSync(join(dir, 'index.mjs'))) {
        throw new Error(`${PREBUILT_BUNDLES_CONTEXT} is ${prebuilt}, which has no bundle of ${handlerDir}`);
      }
      return Code.fromAsset(dir);
    }
    bundleAllHandlers(bundlesDir);
    return Code.fromAsset(join(bundlesDir, handlerDir));
  }
  const outdir = join(bundlesDir, 'unbundled', `${scope.node.path}/${id}`.replace(/[^\w.-]+/g, '_'));
  mkdirSync(outdir, { recursive: true });
  writeFileSync(join(outdir, 'index.mjs'), `// ${handlerDir}: not bundled in this synth\n`);
  return Code.fromAsset(outdir);
}
