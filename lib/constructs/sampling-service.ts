import { Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { RecordingPolicy } from '../../lambda/core/policy';
import { ingestEnvironment } from '../../lambda/ingest/config';
import { samplerEnvironment } from '../../lambda/sampler/config';
import type { ContactCenter } from './contact-center';
import { FairlistenFunction } from './fairlisten-function';
import { FairlistenTable } from './fairlisten-table';
import { acknowledge } from './nag';
import type { SeedVault } from './seed-vault';

export interface SamplingServiceProps {
  readonly policy: RecordingPolicy;
  readonly contactCenter: ContactCenter;
  /** Key of the tables and log groups. */
  readonly dataKey: IKey;
  /** Where the period seeds are: the sampler becomes the one reader besides the seed function. */
  readonly seedVault: SeedVault;
}

/** Connect gives a flow's Lambda at most this long; the function must answer well before. */
export const FLOW_LAMBDA_TIME_LIMIT_SECONDS = 3;

/**
 * The sampler: invoked from the agent whisper flow, it decides by the published lottery, paced
 * per-agent cap and exclusions whether this contact is recorded, and starts the recording
 * through the Connect API. It owns the decisions, quota and reservations tables and reads (only)
 * the seeds.
 */
export class SamplingService extends Construct {
  readonly function: FairlistenFunction;
  readonly decisions: FairlistenTable;
  readonly quotas: FairlistenTable;
  /** A drawn decision per contact, written before StartContactRecording (lambda/shared/reservations.ts). */
  readonly reservations: FairlistenTable;

  constructor(scope: Construct, id: string, props: SamplingServiceProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.decisions = new FairlistenTable(this, 'Decisions', {
      name: 'decisions',
      encryptionKey: props.dataKey,
    });
    this.quotas = new FairlistenTable(this, 'Quotas', { name: 'quotas', encryptionKey: props.dataKey });
    this.reservations = new FairlistenTable(this, 'Reservations', {
      name: 'reservations',
      encryptionKey: props.dataKey,
    });

    this.function = new FairlistenFunction(this, 'Function', {
      handlerDir: 'sampler',
      serviceName: 'fairlisten-sampler',
      description: 'fairlisten sampler: published lottery, paced per-agent cap, exclusions (C2, C4–C7)',
      logKey: props.dataKey,
      logRetentionDays: props.policy.auditRetentionDays,
      // Below the flow's limit so the function, not Connect, decides what a timeout means.
      timeout: Duration.seconds(FLOW_LAMBDA_TIME_LIMIT_SECONDS - 1),
      memorySize: 512,
      // With the algorithm the sampler decides with (the policy's choice; the code implements every
      // version published in docs/compliance/, check ALGORITHM-PUBLISHED).
      environment: samplerEnvironment(
        {
          decisionsTable: this.decisions.table.tableName,
          quotasTable: this.quotas.table.tableName,
          reservationsTable: this.reservations.table.tableName,
          seedsTable: props.seedVault.table.table.tableName,
          instanceId: props.contactCenter.instanceId,
        },
        props.policy,
      ),
    });
    // Decisions are written once (conditional PutItem) and read back; never updated or deleted.
    this.decisions.table.grant(this.function, 'dynamodb:GetItem', 'dynamodb:PutItem');
    this.decisions.allowAppender(this.function);
    this.quotas.table.grantReadWriteData(this.function);
    // Reservations are written once (conditional PutItem) and never read back by the sampler.
    this.reservations.table.grant(this.function, 'dynamodb:PutItem');
    props.seedVault.grantReadSeeds(this.function);
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['connect:StartContactRecording'],
        resources: [
          stack.formatArn({
            service: 'connect',
            resource: 'instance',
            resourceName: `${props.contactCenter.instanceId}/contact/*`,
          }),
        ],
      }),
    );
    props.contactCenter.associateFunction('Sampler', this.function);
    const instanceRef = props.contactCenter.instance
      ? `<${stack.getLogicalId(props.contactCenter.instance)}.Id>`
      : props.contactCenter.instanceId;
    acknowledge(
      this.function.role!,
      ['solutions'],
      `IAM5[Resource::arn:aws:connect:${stack.region}:${stack.account}:instance/${instanceRef}/contact/*]`,
      'StartContactRecording acts on the contact being decided, which is not known at deploy time; the resource is limited to contacts of this one Connect instance.',
    );
  }

  /**
   * Lets `fn` (ingest) complete a decision the sampler reserved but never stored: it reads the
   * reservations and may put a decision (once, conditionally: the decisions table stays
   * append-only and names it as an appender).
   */
  bindRecovery(fn: FairlistenFunction): void {
    for (const [name, value] of Object.entries(
      ingestEnvironment({ reservationsTable: this.reservations.table.tableName }),
    )) {
      fn.addEnvironment(name, value);
    }
    this.reservations.table.grant(fn, 'dynamodb:GetItem');
    this.decisions.table.grant(fn, 'dynamodb:PutItem');
    this.decisions.allowAppender(fn);
  }
}
