import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { TableKeys } from '../../lambda/shared/tables';

export interface FairlistenTableProps {
  /** Key layout from lambda/shared/tables.ts (shared with handlers and the local harness). */
  readonly keys: TableKeys;
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
    this.keys = props.keys;
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: props.keys.partitionKey, type: AttributeType.STRING },
      sortKey: props.keys.sortKey ? { name: props.keys.sortKey, type: AttributeType.STRING } : undefined,
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.customerManagedKey(props.encryptionKey),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: props.keys.ttlAttribute,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
