import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import { cdkJsonContext } from '../../../lib/app';
import { AuditLog } from '../../../lib/constructs/audit-log';
import { FairlistenFunction } from '../../../lib/constructs/fairlisten-function';
import { ROLE_METADATA_KEY } from '../../../lib/constructs/roles';
import { resourceWithRole, synthStack } from '../../support/synth';

const { stack, template } = synthStack();
const [bucketId, bucket] = resourceWithRole(template, 'bucket:audit', 'AWS::S3::Bucket');
const [tableId, table] = resourceWithRole(template, 'table:audit', 'AWS::DynamoDB::GlobalTable');
const policyStatements = (roleIdPrefix: RegExp) =>
  Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => roleIdPrefix.test(r.Ref)))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Record<string, unknown>[]);
const refersTo = (resource: unknown, id: string) => JSON.stringify(resource).includes(`"${id}"`);

describe('audit bucket', () => {
  it('is Object Lock COMPLIANCE with the policy audit retention as default retention', () => {
    expect(stack.audit.retentionDays).toBe(365);
    expect(bucket.Properties.ObjectLockEnabled).toBe(true);
    expect(bucket.Properties.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } },
    });
  });

  it('follows a shorter audit retention (lock, lifecycle and TTL-bearing exporter)', () => {
    const { template: t } = synthStack({ auditRetentionDays: 90 });
    t.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 90 } },
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Id: 'expire-audit-objects', ExpirationInDays: 90 })]),
      },
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ AUDIT_RETENTION_DAYS: '90' }) },
    });
  });

  it('is versioned, KMS-encrypted with the data key, private, logged and retained', () => {
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      {
        ServerSideEncryptionByDefault: {
          SSEAlgorithm: 'aws:kms',
          KMSMasterKeyID: { 'Fn::GetAtt': [expect.stringMatching(/^DataKey/), 'Arn'] },
        },
      },
    ]);
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.OwnershipControls).toEqual({
      Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }],
    });
    expect(bucket.Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: expect.stringMatching(/^RecordingsAccessLogs/) },
      LogFilePrefix: 'audit/',
    });
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.UpdateReplacePolicy).toBe('Retain');
  });

  it('expires objects, old versions, delete markers and partial uploads after the retention', () => {
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([
      {
        Id: 'expire-audit-objects',
        Status: 'Enabled',
        ExpirationInDays: 365,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      },
      { Id: 'remove-expired-delete-markers', Status: 'Enabled', ExpiredObjectDeleteMarker: true },
    ]);
  });

  it('denies plain HTTP', () => {
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find(
      (p) => p.Properties.Bucket.Ref === bucketId,
    )!;
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  it('is the only bucket with Object Lock (recordings stay redactable)', () => {
    const locked = Object.entries(template.findResources('AWS::S3::Bucket')).filter(
      ([, b]) => b.Properties.ObjectLockEnabled,
    );
    expect(locked.map(([id]) => id)).toEqual([bucketId]);
  });
});

describe('audit exports', () => {
  it('are written once: the bucket policy refuses a put under exports/ that does not require a new key', () => {
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find(
      (p) => p.Properties.Bucket.Ref === bucketId,
    )!;
    const statements = policy.Properties.PolicyDocument.Statement as Record<string, unknown>[];
    expect(statements.find((s) => s.Sid === 'ExportsOnlyOnce')).toEqual({
      Sid: 'ExportsOnlyOnce',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/exports/*']] },
      Condition: {
        Null: { 's3:if-none-match': 'true' },
        StringNotEquals: {
          's3:ObjectCreationOperation': ['CreateMultipartUpload', 'UploadPart', 'UploadPartCopy'],
        },
      },
    });
  });
});

describe('audit table', () => {
  it('has the chain/seq layout, no point-in-time copies, the data key and TTL on expiresAt', () => {
    expect(table.Properties.KeySchema).toEqual([
      { AttributeName: 'chain', KeyType: 'HASH' },
      { AttributeName: 'seq', KeyType: 'RANGE' },
    ]);
    expect(table.Properties.AttributeDefinitions).toContainEqual({
      AttributeName: 'seq',
      AttributeType: 'N',
    });
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(table.Properties.SSESpecification).toMatchObject({ SSEEnabled: true, SSEType: 'KMS' });
    expect(table.Properties.Replicas[0]).toMatchObject({
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
      SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^DataKey/), 'Arn'] } },
    });
    expect(table.DeletionPolicy).toBe('Retain');
  });
});

describe('exporter', () => {
  const [fnId, fn] = resourceWithRole(template, 'function:audit-export', 'AWS::Lambda::Function');

  it('runs hourly', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] } })],
    });
  });

  it('knows its table, bucket, decisions and retention', () => {
    expect(fn.Properties.Environment.Variables).toMatchObject({
      AUDIT_TABLE: { Ref: tableId },
      AUDIT_BUCKET: { Ref: bucketId },
      DECISIONS_TABLE: { Ref: expect.stringMatching(/^SamplingDecisions/) },
      AUDIT_RETENTION_DAYS: '365',
    });
  });

  it('may append and scan chains, scan decisions, and write only under exports/ (never delete)', () => {
    const statements = policyStatements(/^AuditExporterRole/);
    const onTable = statements.filter((s) => refersTo(s.Resource, tableId));
    expect(onTable.flatMap((s) => [s.Action].flat()).sort()).toEqual([
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:Scan',
    ]);
    const decisions = statements.filter((s) => JSON.stringify(s.Resource).includes('SamplingDecisions'));
    expect(decisions.flatMap((s) => [s.Action].flat())).toEqual(['dynamodb:Scan']);
    const objects = statements.find(
      (s) => refersTo(s.Resource, bucketId) && JSON.stringify(s.Resource).includes('/exports/*'),
    )!;
    expect(objects.Action).toEqual(['s3:GetObject', 's3:PutObject']);
    const actions = statements.flatMap((s) => [s.Action].flat()).join(' ');
    expect(actions).not.toMatch(/Delete|UpdateItem|PutObjectRetention|BypassGovernance/);
  });
});

describe('grants', () => {
  const build = () => {
    const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
    const s = new Stack(app, 'S', { env: { account: '111111111111', region: 'eu-central-1' } });
    const dataKey = new Key(s, 'Key');
    const decisions = new TableV2(s, 'Decisions', {
      partitionKey: { name: 'contactId', type: AttributeType.STRING },
    });
    const audit = new AuditLog(s, 'Audit', { retentionDays: 30, dataKey, decisions });
    const role = (id: string) => new Role(s, id, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    const fn = (id: string, writesAudit = true) =>
      new FairlistenFunction(s, id, {
        handlerDir: 'playback',
        serviceName: 'test',
        description: 'test',
        logKey: dataKey,
        logRetentionDays: 30,
        writesAudit,
      });
    return { app, s, audit, role, fn };
  };
  const statementsOf = (t: Template, roleId: RegExp) =>
    Object.values(t.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => roleId.test(r.Ref)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Record<string, unknown>[]);

  it('bindWriter: the audit environment, and exactly Query and PutItem on the audit table', () => {
    const { s, audit, role, fn } = build();
    audit.bindWriter(fn('Appender'));
    audit.grantReadChains(role('Reader'));
    audit.grantPublish(role('Publisher'));
    const t = Template.fromStack(s);
    const tableStatements = (id: RegExp) =>
      statementsOf(t, id).filter((st) => JSON.stringify(st.Resource).includes('AuditTable'));
    const actions = (id: RegExp) =>
      tableStatements(id)
        .flatMap((st) => [st.Action].flat())
        .sort();
    expect(actions(/^AppenderRole/)).toEqual(['dynamodb:PutItem', 'dynamodb:Query']);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'test',
      Environment: {
        Variables: Match.objectLike({
          AUDIT_TABLE: { Ref: Match.stringLikeRegexp('^AuditTable') },
          AUDIT_RETENTION_DAYS: '30',
        }),
      },
    });
    expect(actions(/^Reader/)).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
    const publish = statementsOf(t, /^Publisher/).filter((st) => String(st.Action).startsWith('s3:'));
    expect(publish).toEqual([
      expect.objectContaining({
        Action: 's3:PutObject',
        Resource: {
          'Fn::Join': [
            '',
            [{ 'Fn::GetAtt': [expect.stringMatching(/^AuditBucket/), 'Arn'] }, '/transparency/*'],
          ],
        },
      }),
    ]);
    // its own access-log bucket when none is given
    t.hasResource('AWS::S3::Bucket', { Metadata: { [ROLE_METADATA_KEY]: 'bucket:access-logs' } });
  });

  it('fails synthesis while an auditing function is not bound, and binds each function once', () => {
    const { app, audit, fn } = build();
    const unbound = fn('Unbound');
    expect(() => app.synth()).toThrow(/S\/Unbound appends to the audit log but is not bound to it/);
    audit.bindWriter(unbound);
    expect(() => audit.bindWriter(unbound)).toThrow(/S\/Unbound is already bound to the audit log/);
    expect(() => audit.bindWriter(fn('Quiet', false))).toThrow(/S\/Quiet does not declare writesAudit/);
  });

  it('refuses misuse', () => {
    const { audit, role } = build();
    expect(() => audit.grantPublish(role('P'), 'exports/')).toThrow(
      /prefix must be .* other than "exports\/", got "exports\/"/,
    );
    expect(() => audit.grantPublish(role('Q'), 'transparency')).toThrow(/got "transparency"/);
    const s = new Stack(new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } }), 'T');
    const dataKey = new Key(s, 'Key');
    const decisions = new TableV2(s, 'D', {
      partitionKey: { name: 'contactId', type: AttributeType.STRING },
    });
    expect(() => new AuditLog(s, 'A', { retentionDays: 400, dataKey, decisions })).toThrow(
      /retentionDays must be a whole number 1\.\.365 .*, got 400/,
    );
  });
});
