import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TABLES, type TableKeys, type TableName } from '../../lambda/shared/tables';
import { markRole } from './roles';

export interface FairlistenTableProps {
  /** Which table of lambda/shared/tables.ts (key layout shared with handlers and the local harness). */
  readonly name: TableName;
  readonly encryptionKey: IKey;
}

/**
 * A DynamoDB table as every fairlisten table must be: customer-managed KMS key, point-in-time
 * recovery, deletion protection, retained on stack deletion, and TTL on the layout's expiry
 * attribute so nothing outlives its retention.
 */
export class FairlistenTable extends Construct {
  readonly table: TableV2;
  readonly keys: TableKeys;

  constructor(scope: Construct, id: string, props: FairlistenTableProps) {
    super(scope, id);
    this.keys = TABLES[props.name];
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
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: this.keys.ttlAttribute,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    markRole(this.table, `table:${props.name}`);
  }
}
