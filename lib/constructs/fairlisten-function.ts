import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack, Stage } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Code, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { bundleAllHandlers } from './bundling';
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

/**
 * The handler bundled in-process by esbuild, with the options the local simulation uses too, into
 * the app's output folder; the asset hash is that of the bundle's content. All handlers are bundled
 * in one esbuild run on first use (NodejsFunction would start `npx esbuild` once per function, and
 * parse the bundled SDK once per function: most of a synth's time). When the stack is not bundled
 * (`aws:cdk:bundling-stacks` excludes it, as in most tests), a fixed stand-in file takes its place.
 */
function bundledCode(scope: Construct, id: string, handlerDir: string): Code {
  const bundlesDir = join(Stage.of(scope)?.outdir ?? '.', '.bundles');
  if (Stack.of(scope).bundlingRequired) {
    bundleAllHandlers(bundlesDir);
    return Code.fromAsset(join(bundlesDir, handlerDir));
  }
  const outdir = join(bundlesDir, 'unbundled', `${scope.node.path}/${id}`.replace(/[^\w.-]+/g, '_'));
  mkdirSync(outdir, { recursive: true });
  writeFileSync(join(outdir, 'index.mjs'), `// ${handlerDir}: not bundled in this synth\n`);
  return Code.fromAsset(outdir);
}
