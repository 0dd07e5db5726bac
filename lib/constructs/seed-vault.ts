import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { RecordingPolicy } from '../../lambda/core/policy';
import { MAX_REVEAL_GRACE_DAYS, SEEDS_ENV, seedsEnvironment } from '../../lambda/seeds/config';
import type { AuditLog } from './audit-log';
import { FairlistenFunction } from './fairlisten-function';
import { FairlistenTable } from './fairlisten-table';
import { acknowledge } from './nag';

export interface SeedVaultProps {
  readonly policy: Pick<RecordingPolicy, 'timezone' | 'auditRetentionDays'>;
  /** Key of the seeds table and the function's log group. */
  readonly dataKey: IKey;
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
    if (!Number.isInteger(grace) || grace < 1 || grace > MAX_REVEAL_GRACE_DAYS) {
      throw new Error(`revealGraceDays must be a whole number 1..${MAX_REVEAL_GRACE_DAYS}, got ${grace}`);
    }
    this.table = new FairlistenTable(this, 'Seeds', { name: 'seeds', encryptionKey: props.dataKey });

    this.function = new FairlistenFunction(this, 'Function', {
      handlerDir: 'seeds',
      serviceName: 'fairlisten-seeds',
      description:
        'fairlisten seeds: commit each period’s seed before it starts, reveal it after it ended (C6)',
      logKey: props.dataKey,
      logRetentionDays: props.policy.auditRetentionDays,
      timeout: Duration.seconds(60),
      environment: seedsEnvironment(
        { table: this.table.table.tableName, revealGraceDays: grace },
        props.policy,
      ),
      // Commitments and reveals go to chain `seeds` (publishThrough).
      writesAudit: true,
    });
    this.table.table.grantReadWriteData(this.function);

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
   * Publishes through the audit log, built after this vault (the audit log exports the sampler's
   * decisions, and the sampler needs the vault): appends to chain `seeds` (`bindWriter`) and
   * writes `transparency/seeds/<period>.json` to the audit bucket. Required, once: the seed
   * function does not synthesize unbound.
   */
  publishThrough(
    audit: AuditLog,
    /**
     * Makes the seed function the one writer of the write-once `published/seeds/` and
     * `published/policies/` (commitments, revealed seeds, the policy document), with the policy
     * document it publishes: the sampler's policy environment, which the sampler hashes into
     * every decision.
     * @default - nothing is published there
     */
    publication?: { readonly policyDocument: string },
  ): void {
    audit.bindWriter(this.function);
    audit.grantPublish(this.function, 'transparency/');
    if (publication) {
      audit.publication.grantPublishSeeds(this.function);
      this.function.addEnvironment(SEEDS_ENV.publicationBucket, audit.bucket.bucketName);
      this.function.addEnvironment(SEEDS_ENV.publishedPolicy, publication.policyDocument);
    }
    this.function.addEnvironment(SEEDS_ENV.transparencyBucket, audit.bucket.bucketName);
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
