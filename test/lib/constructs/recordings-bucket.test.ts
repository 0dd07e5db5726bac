/** The recordings bucket as the default stack builds it (C3): encryption, lifecycle, access. */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  lifecycleWorstCaseDays,
  RECORDING_NONCURRENT_DAYS,
  recordingExpirationDays,
} from '../../../lib/policy/retention';
import { bucketPolicySources } from '../../../lib/report/checks/helpers';
import { globMatch } from '../../../lib/report/glob';
import { principalLabel, whoCan } from '../../../lib/report/iam';
import { NEVER, StackView } from '../../../lib/report/template';
import { recordingsBucketIdOf, synthStack } from '../../support/synth';

const { template } = synthStack();
const resources = (type: string) => template.findResources(type);
const recordingsBucketId = recordingsBucketIdOf(template);

describe('recordings bucket (C3)', () => {
  it('encrypts with its own rotating customer-managed key and S3 Bucket Keys', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RecordingsKey'), 'Arn'] },
            },
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: 'fairlisten: call recordings only',
      EnableKeyRotation: true,
    });
  });

  it('expires every object, every old version, delete markers and partial uploads within the retention, S3 rounding included', () => {
    const bucket = resources('AWS::S3::Bucket')[recordingsBucketId]!;
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    const rules = bucket.Properties.LifecycleConfiguration.Rules as Record<string, unknown>[];
    expect(rules).toEqual([
      {
        Id: 'expire-recordings',
        Status: 'Enabled',
        // 87 + 1 (rounding) + 1 noncurrent + 1 (rounding) = 90: the lifecycle alone holds the limit
        // for every version written at the call (lib/policy/retention.ts).
        ExpirationInDays: 87,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      },
      { Id: 'remove-expired-delete-markers', Status: 'Enabled', ExpiredObjectDeleteMarker: true },
    ]);
    // No prefix or tag filter: Contact Lens output falls under the same rule as recordings.
    for (const rule of rules) expect(rule).not.toHaveProperty('Prefix');
    for (const rule of rules) expect(rule).not.toHaveProperty('Filter');
  });

  it('follows a shorter policy retention, with the same margin for rounding', () => {
    const { template: t } = synthStack({ retentionDays: 30 });
    t.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 27 })]) },
    });
  });

  it.each([
    [90, 87, 90],
    [4, 1, 4],
    [3, 1, 4], // below 4 days the lifecycle cannot hold the limit alone: the sweeper does
    [1, 1, 4],
  ])('retentionDays %i → ExpirationInDays %i, worst case %i days', (days, expiration, worst) => {
    expect(recordingExpirationDays(days)).toBe(expiration);
    expect(lifecycleWorstCaseDays(expiration, RECORDING_NONCURRENT_DAYS)).toBe(worst);
  });

  it('blocks public access, enforces ownership, logs access, and is retained', () => {
    const bucket = resources('AWS::S3::Bucket')[recordingsBucketId]!;
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.OwnershipControls).toEqual({
      Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }],
    });
    expect(bucket.Properties.LoggingConfiguration.DestinationBucketName.Ref).toMatch(/^RecordingsAccessLogs/);
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.UpdateReplacePolicy).toBe('Retain');
    expect(bucket.Properties).not.toHaveProperty('ObjectLockEnabled');
  });

  it('keeps access logs private, TLS-only and bounded by the audit retention', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 365 })]) },
      PublicAccessBlockConfiguration: Match.objectLike({
        BlockPublicAcls: true,
        RestrictPublicBuckets: true,
      }),
    });
  });

  it('denies plain HTTP and every audio read by principals that are not named readers', () => {
    const policies = resources('AWS::S3::BucketPolicy');
    const policy = Object.values(policies).find((p) => p.Properties.Bucket.Ref === recordingsBucketId)!;
    const statements = policy.Properties.PolicyDocument.Statement as Record<string, unknown>[];
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    const readDeny = statements.find((s) => s.Sid === 'OnlyNamedRolesReadRecordings')!;
    expect(readDeny).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' } });
    expect(readDeny.Action).toEqual(expect.arrayContaining(['s3:GetObject', 's3:GetObjectVersion']));
    const rewriteDeny = statements.find((s) => s.Sid === 'OnlyNamedRolesRewriteRecordings')!;
    expect(rewriteDeny.Action).toEqual(expect.arrayContaining(['s3:DeleteObject', 's3:DeleteObjectVersion']));
  });

  it("denies every write but Connect's service-linked role and the rewriters, and any write not under the key", () => {
    const policy = Object.values(resources('AWS::S3::BucketPolicy')).find(
      (p) => p.Properties.Bucket.Ref === recordingsBucketId,
    )!;
    const statements = policy.Properties.PolicyDocument.Statement as Record<string, unknown>[];
    // Connect writes through its service-linked role and a KMS grant: no service-principal Allow.
    expect(JSON.stringify(statements)).not.toContain('connect.amazonaws.com"}');
    expect(statements.filter((s) => s.Effect === 'Allow')).toEqual([]);
    const keyPolicy = Object.values(resources('AWS::KMS::Key'))[0]!.Properties.KeyPolicy;
    expect(JSON.stringify(keyPolicy)).not.toContain('connect.amazonaws.com');

    const objects = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [recordingsBucketId, 'Arn'] }, '/*']] };
    const roleArn = (prefix: string) => ({ 'Fn::GetAtt': [expect.stringMatching(prefix), 'Arn'] });
    const writeDeny = statements.find((s) => s.Sid === 'OnlyConnectAndNamedRolesWriteRecordings')!;
    expect(writeDeny).toEqual({
      Sid: 'OnlyConnectAndNamedRolesWriteRecordings',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Resource: objects,
      Condition: {
        ArnNotEquals: {
          'aws:PrincipalArn': expect.arrayContaining([
            roleArn('^RecordingActionsFunction'),
            roleArn('^RecordingIngestFunction'),
          ]),
        },
        ArnNotLike: {
          'aws:PrincipalArn':
            'arn:aws:iam::111111111111:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_*',
        },
      },
    });
    expect(
      (writeDeny.Condition as { ArnNotEquals: Record<string, unknown[]> }).ArnNotEquals['aws:PrincipalArn'],
    ).toHaveLength(2);

    expect(statements.find((s) => s.Sid === 'RecordingsOnlyUnderTheRecordingsKey')).toEqual({
      Sid: 'RecordingsOnlyUnderTheRecordingsKey',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Resource: objects,
      Condition: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
    });
    expect(statements.find((s) => s.Sid === 'RecordingsOnlyUnderTheRecordingsKeyArn')).toEqual({
      Sid: 'RecordingsOnlyUnderTheRecordingsKeyArn',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Resource: objects,
      Condition: {
        StringNotEqualsIfExists: {
          's3:x-amz-server-side-encryption-aws-kms-key-id': {
            'Fn::GetAtt': [expect.stringMatching(/^RecordingsKey/), 'Arn'],
          },
        },
      },
    });
  });

  it("refuses a new version from an admin role of the template, keeps Connect's and the rewriters' writes", () => {
    // Attack: a role of the account with s3:* and kms:* on everything tries to replace a recording.
    const json = template.toJSON() as { Resources: Record<string, unknown> };
    const view = new StackView({
      name: 'S',
      account: '111111111111',
      region: 'eu-central-1',
      template: {
        ...json,
        Resources: {
          ...json.Resources,
          AttackerAdmin: {
            Type: 'AWS::IAM::Role',
            Properties: {
              Policies: [
                {
                  PolicyName: 'admin',
                  PolicyDocument: {
                    Statement: [{ Effect: 'Allow', Action: ['s3:*', 'kms:*'], Resource: '*' }],
                  },
                },
              ],
            },
          },
        },
      } as never,
    });
    const objects = `${view.resolve({ 'Fn::GetAtt': [recordingsBucketId, 'Arn'] }, NEVER)}/*`;
    const writers = whoCan(view, {
      actions: ['s3:PutObject'],
      resources: [objects],
      resourcePolicies: bucketPolicySources(view, recordingsBucketId),
    });
    const labels = writers.map((a) => principalLabel(a.principal)).sort();
    expect(labels).not.toContain('role AttackerAdmin');
    // Roles of the template that may write: exactly the two that apply deletions and redactions.
    expect(
      writers
        .filter((a) => a.principal.kind === 'role')
        .map((a) => a.principal.role)
        .sort(),
    ).toEqual(['role:ingest', 'role:recording-actions']);
    // Outside the template only the roles the exception names get through: Connect's service-linked
    // roles of this account (a path only Connect creates roles under), not "anyone".
    expect(labels).toContain('service-linked-role:connect.amazonaws.com');
    expect(labels).not.toContain('any principal outside this template');
    const policy = Object.values(resources('AWS::S3::BucketPolicy')).find(
      (p) => p.Properties.Bucket.Ref === recordingsBucketId,
    )!;
    const pattern = (
      policy.Properties.PolicyDocument.Statement as Array<{
        Sid?: string;
        Condition?: { ArnNotLike?: Record<string, string> };
      }>
    ).find((s) => s.Sid === 'OnlyConnectAndNamedRolesWriteRecordings')!.Condition!.ArnNotLike![
      'aws:PrincipalArn'
    ]!;
    const arn = (path: string, account = '111111111111') => `arn:aws:iam::${account}:role/${path}`;
    expect(
      globMatch(pattern, arn('aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_a1b2c3')),
    ).toBe(true);
    // A look-alike role name off the reserved path, or another account's Connect role, stays denied.
    expect(globMatch(pattern, arn('AWSServiceRoleForAmazonConnect_a1b2c3'))).toBe(false);
    expect(globMatch(pattern, arn('admin/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_x'))).toBe(
      false,
    );
    expect(
      globMatch(
        pattern,
        arn('aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_x', '222222222222'),
      ),
    ).toBe(false);
  });
});
