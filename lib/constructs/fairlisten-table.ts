import { Aspects, type IAspect, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, StreamViewType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import {
  AnyPrincipal,
  Effect,
  type IGrantable,
  type IRole,
  PolicyStatement,
  Role,
} from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct, type IConstruct } from 'constructs';
import { TABLES, type TableKeys, type TableName } from '../../lambda/shared/tables';
import { acknowledge } from './nag';
import { markRole } from './roles';

export interface FairlistenTableProps {
  /** Which table of lambda/shared/tables.ts (key layout shared with handlers and the local harness). */
  readonly name: TableName;
  readonly encryptionKey: IKey;
}

/**
 * Item actions that change or remove an existing item (or write without a condition through
 * another door). An append-only table denies them to every principal in its resource policy;
 * DynamoDB's TTL process is not a principal and still expires items.
 */
export const ITEM_CHANGE_ACTIONS = [
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
] as const;

/**
 * A DynamoDB table as every fairlisten table must be: customer-managed KMS key, no point-in-time
 * recovery (its copies would outlive the retention), deletion protection, retained on stack deletion, and TTL on the layout's expiry
 * attribute so nothing outlives its retention.
 *
 * An append-only layout (`appendOnly`: the audit chains, the sampler's decisions) also gets
 * - a resource policy denying UpdateItem, DeleteItem, BatchWriteItem and PartiQL writes to every
 *   principal, and PutItem to every principal but the roles named with `allowAppender` — account
 *   administrators included, until someone changes the policy itself;
 * - a stream with old and new images, so the write sentinel sees every change IAM cannot forbid
 *   (PutItem cannot be limited to conditional writes by IAM: an appender could overwrite).
 */
export class FairlistenTable extends Construct {
  readonly table: TableV2;
  readonly keys: TableKeys;
  readonly appendOnly: boolean;
  private readonly appenders: IRole[] = [];

  constructor(scope: Construct, id: string, props: FairlistenTableProps) {
    super(scope, id);
    this.keys = TABLES[props.name];
    this.appendOnly = this.keys.appendOnly === true;
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: this.keys.partitionKey, type: AttributeType.STRING },
      sortKey: this.keys.sortKey
        ? {
            name: this.keys.sortKey,
            type: this.keys.sortKeyType === 'N' ? AttributeType.NUMBER : AttributeType.STRING,
          }
        : undefined,
      globalSecondaryIndexes: this.keys.indexes?.map((index) => ({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: index.sortKey ? { name: index.sortKey, type: AttributeType.STRING } : undefined,
      })),
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.customerManagedKey(props.encryptionKey),
      // Off on purpose: point-in-time recovery keeps restorable copies of every item for up to 35
      // days after TTL deleted it, so nothing would be gone within auditRetentionDays of its
      // creation (docs/compliance/retention.md). The audit chains and decisions are exported hourly
      // to the Object Lock bucket; deletion protection and RETAIN guard the tables themselves.
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: false },
      deletionProtection: true,
      timeToLiveAttribute: this.keys.ttlAttribute,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(this.appendOnly ? { dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES } : {}),
    });
    markRole(this.table, `table:${props.name}`);
    acknowledge(
      this.table,
      ['hipaa', 'nist', 'pci'],
      'DynamoDBPITREnabled',
      'Point-in-time recovery would keep restorable copies of items up to 35 days after their TTL: the retention limits (auditRetentionDays, counted from creation) would no longer hold. The audit chains and decisions are exported hourly to the Object Lock audit bucket; deletion protection and RETAIN keep the tables.',
    );
    if (this.appendOnly) Aspects.of(this).add(new SealAppendOnly(this));
  }

  /**
   * Names `grantee` (a role) as one that may PutItem on an append-only table. The IAM grant is the
   * caller's; this only adds the role to the resource policy's exception list.
   */
  allowAppender(grantee: IGrantable): void {
    if (!this.appendOnly) return;
    const principal = grantee.grantPrincipal;
    if (!(principal instanceof Role)) {
      throw new Error(
        `appenders of ${this.node.path} must be roles of this app (the resource policy names them), got ${principal.constructor.name}`,
      );
    }
    if (!this.appenders.includes(principal)) this.appenders.push(principal);
  }

  /** Roles that may PutItem (the compliance report recomputes this from the template). */
  get appenderRoles(): readonly IRole[] {
    return this.appenders;
  }

  /** @internal Adds the deny statements once every appender is known (called by the aspect). */
  _seal(): void {
    this.table.addToResourcePolicy(
      new PolicyStatement({
        sid: 'NoItemChanges',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: [...ITEM_CHANGE_ACTIONS],
        // CDK's pattern for table resource policies: "*" is this table (no circular reference).
        resources: ['*'],
      }),
    );
    const put = new PolicyStatement({
      sid: 'OnlyAppendersPut',
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: ['dynamodb:PutItem'],
      resources: ['*'],
    });
    if (this.appenders.length > 0) {
      put.addCondition('ArnNotEquals', { 'aws:PrincipalArn': this.appenders.map((r) => r.roleArn) });
    }
    this.table.addToResourcePolicy(put);
  }
}

/** Seals the resource policy at synthesis, after every construct named its appenders. */
class SealAppendOnly implements IAspect {
  private sealed = false;
  constructor(private readonly owner: FairlistenTable) {}
  visit(node: IConstruct): void {
    if (node === this.owner && !this.sealed) {
      this.sealed = true;
      this.owner._seal();
    }
  }
}
