import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { RecordingPolicy } from '../../lambda/core/policy';
import { transparencyKey } from '../../lambda/shared/seed-item';
import { FairlistenFunction } from './fairlisten-function';
import { FairlistenTable } from './fairlisten-table';
import { acknowledge } from './nag';

export interface SeedVaultProps {
  readonly policy: Pick<RecordingPolicy, 'timezone' | 'auditRetentionDays'>;
  /** Key of the seeds table and the function's log group. */
  readonly dataKey: IKey;
  /**
   * Bucket of the public transparency objects `transparency/seeds/<period>.json`.
   * @default - none: commitments and reveals go to the audit chain only, nothing is written to S3
   */
  readonly transparencyBucket?: IBucket;
  /**
   * Lets the seed function append to the audit chain `seeds` and returns the environment it needs
   * for that (`AUDIT_TABLE`, …), e.g. `(fn) => auditLog.grantAppend(fn)`.
   * @default - no audit table: the records are written to the function's log only
   */
  readonly audit?: (grantee: IGrantable) => Record<string, string>;
  /**
   * When the seed function runs (UTC). Daily, so the next period is committed weeks before it starts.
   * @default Schedule.cron({ minute: '15', hour: '0' })
   */
  readonly schedule?: Schedule;
  /**
   * Whole days after a period's end before its seed is revealed (late decisions of the period).
   * @default 1
   */
  readonly revealGraceDays?: number;
}

/**
 * The lottery seeds: the secret seeds table and the function that commits each period's seed before
 * the period starts and reveals it after it ended. Only two roles may read the table: this
 * function's and the sampler's (`grantReadSeeds`, called once, by the SamplingService).
 */
export class SeedVault extends Construct {
  readonly table: FairlistenTable;
  readonly function: FairlistenFunction;
  readonly schedule: Rule;
  private reader?: IGrantable;

  constructor(scope: Construct, id: string, props: SeedVaultProps) {
    super(scope, id);
    const grace = props.revealGraceDays ?? 1;
    if (!Number.isInteger(grace) || grace < 1 || grace > 31) {
      throw new Error(`revealGraceDays must be a whole number 1..31, got ${grace}`);
    }
    this.table = new FairlistenTable(this, 'Seeds', { name: 'seeds', encryptionKey: props.dataKey });

    const environment: Record<string, string> = {
      SEEDS_TABLE: this.table.table.tableName,
      FAIRLISTEN_TIMEZONE: props.policy.timezone,
      SEED_REVEAL_GRACE_DAYS: String(grace),
      SEED_RETENTION_DAYS: String(props.policy.auditRetentionDays),
    };
    if (props.transparencyBucket) environment.TRANSPARENCY_BUCKET = props.transparencyBucket.bucketName;
    this.function = new FairlistenFunction(this, 'Function', {
      handlerDir: 'seeds',
      serviceName: 'fairlisten-seeds',
      description:
        'fairlisten seeds: commit each period’s seed before it starts, reveal it after it ended (C6)',
      logKey: props.dataKey,
      logRetentionDays: props.policy.auditRetentionDays,
      timeout: Duration.seconds(60),
      environment,
    });
    this.table.table.grantReadWriteData(this.function);
    if (props.transparencyBucket) {
      props.transparencyBucket.grantPut(this.function, transparencyKey('*'));
    }
    if (props.audit) {
      for (const [key, value] of Object.entries(props.audit(this.function))) {
        this.function.addEnvironment(key, value);
      }
    }

    this.schedule = new Rule(this, 'Daily', {
      description: 'fairlisten: commit the next period’s seed, reveal ended periods’ seeds',
      schedule: props.schedule ?? Schedule.cron({ minute: '15', hour: '0' }),
      targets: [new LambdaFunction(this.function, { retryAttempts: 4, maxEventAge: Duration.hours(6) })],
    });
    acknowledge(
      this.schedule,
      ['serverless'],
      'EventBusDLQ',
      'The scheduled event carries no data and every run is idempotent: a run lost after its retries is redone by the next daily run, weeks before the next period starts; a missed commitment fails closed (no recording) and is audited as an incident.',
    );
  }

  /**
   * Publishes through the audit log once it exists (it is built after the sampler, which needs this
   * vault): appends to chain `seeds` and writes `transparency/seeds/<period>.json` to its bucket.
   * Same effect as the `audit` and `transparencyBucket` props; call it once.
   */
  publishThrough(audit: {
    readonly environment: Record<string, string>;
    readonly grantAppend: (grantee: IGrantable) => unknown;
    readonly bucket: IBucket;
    readonly grantPublish: (grantee: IGrantable, prefix: string) => unknown;
    /**
     * Makes the seed function the one writer of the write-once `published/seeds/` and
     * `published/policies/` (commitments, revealed seeds, the policy document), with the policy
     * document it publishes: the sampler's policy environment, which the sampler hashes into
     * every decision.
     * @default - nothing is published there
     */
    readonly publication?: {
      readonly grantPublishSeeds: (fn: FairlistenFunction) => void;
      readonly policyDocument: string;
    };
  }): void {
    if (this.function.node.tryFindChild('published')) throw new Error('publishThrough may be called once');
    audit.grantAppend(this.function);
    audit.grantPublish(this.function, 'transparency/');
    if (audit.publication) {
      audit.publication.grantPublishSeeds(this.function);
      this.function.addEnvironment('PUBLICATION_BUCKET', audit.bucket.bucketName);
      this.function.addEnvironment('PUBLISHED_POLICY', audit.publication.policyDocument);
    }
    for (const [key, value] of Object.entries(audit.environment)) this.function.addEnvironment(key, value);
    this.function.addEnvironment('TRANSPARENCY_BUCKET', audit.bucket.bucketName);
    new Construct(this.function, 'published');
  }

  /**
   * Lets the sampler read seeds. The seeds are the lottery's secret until revealed, so exactly one
   * reader besides the seed function is admitted; a second call is a synth error.
   */
  grantReadSeeds(grantee: IGrantable): Grant {
    if (this.reader) {
      throw new Error(
        `the seeds table already has its reader ${describe(this.reader)}; refusing ${describe(grantee)}: only the sampler and the seed function may read seeds`,
      );
    }
    this.reader = grantee;
    return this.table.table.grantReadData(grantee);
  }
}

function describe(grantee: IGrantable): string {
  const node = (grantee as { node?: { path?: string } }).node;
  return node?.path ?? String(grantee.grantPrincipal);
}
