/** FairlistenTable: every table of lambda/shared/tables.ts, with the settings every table must have. */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import { TABLES, type TableKeys, type TableName } from '../../../lambda/shared/tables';
import { FairlistenTable } from '../../../lib/constructs/fairlisten-table';
import { removeAfterFile } from '../../support/outdirs';

function synth(name: TableName) {
  const app = new App();
  removeAfterFile(app.outdir);
  const stack = new Stack(app, 'T', { env: { account: '111111111111', region: 'eu-central-1' } });
  new FairlistenTable(stack, 'Table', { name, encryptionKey: new Key(stack, 'K') });
  const tables = Object.values(Template.fromStack(stack).findResources('AWS::DynamoDB::GlobalTable'));
  expect(tables).toHaveLength(1);
  return tables[0]!;
}

describe.each(Object.keys(TABLES) as TableName[])('FairlistenTable %s', (name) => {
  const keys: TableKeys = TABLES[name];
  const table = synth(name);

  it('has the key layout the handlers and the local harness use', () => {
    expect(table.Properties.KeySchema).toEqual([
      { AttributeName: keys.partitionKey, KeyType: 'HASH' },
      ...(keys.sortKey ? [{ AttributeName: keys.sortKey, KeyType: 'RANGE' }] : []),
    ]);
    expect(
      (table.Properties.GlobalSecondaryIndexes ?? []).map((i: { IndexName: string }) => i.IndexName),
    ).toEqual((keys.indexes ?? []).map((i) => i.name));
    if (keys.ttlAttribute) {
      expect(table.Properties.TimeToLiveSpecification).toEqual({
        AttributeName: keys.ttlAttribute,
        Enabled: true,
      });
    } else {
      expect(table.Properties.TimeToLiveSpecification).toBeUndefined();
    }
  });

  it('is encrypted with the given key, protected, retained and marked, without point-in-time copies', () => {
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(table.Properties.SSESpecification).toMatchObject({ SSEEnabled: true, SSEType: 'KMS' });
    expect(table.Properties.Replicas[0]).toMatchObject({
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
      DeletionProtectionEnabled: true,
      SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^K/), 'Arn'] } },
    });
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.Metadata).toMatchObject({ 'fairlisten:role': `table:${name}` });
  });
});
