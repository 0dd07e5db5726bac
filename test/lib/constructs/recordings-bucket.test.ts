/** The recordings bucket as the default stack builds it (C3): encryption, lifecycle, access. */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
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

  it('expires every object, every old version, delete markers and partial uploads within the retention', () => {
    const bucket = resources('AWS::S3::Bucket')[recordingsBucketId]!;
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    const rules = bucket.Properties.LifecycleConfiguration.Rules as Record<string, unknown>[];
    expect(rules).toEqual([
      {
        Id: 'expire-recordings',
        Status: 'Enabled',
        ExpirationInDays: 90,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      },
      { Id: 'remove-expired-delete-markers', Status: 'Enabled', ExpiredObjectDeleteMarker: true },
    ]);
    // No prefix or tag filter: Contact Lens output falls under the same rule as recordings.
    for (const rule of rules) expect(rule).not.toHaveProperty('Prefix');
    for (const rule of rules) expect(rule).not.toHaveProperty('Filter');
  });

  it('follows a shorter policy retention', () => {
    const { template: t } = synthStack({ retentionDays: 30 });
    t.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 30 })]) },
    });
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

  it('lets only this Connect instance of this account write recordings', () => {
    const policy = Object.values(resources('AWS::S3::BucketPolicy')).find(
      (p) => p.Properties.Bucket.Ref === recordingsBucketId,
    )!;
    const write = (policy.Properties.PolicyDocument.Statement as Record<string, unknown>[]).find(
      (s) => s.Sid === 'ConnectWritesRecordings',
    )!;
    expect(write).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'connect.amazonaws.com' },
      Action: 's3:PutObject',
      Condition: {
        StringEquals: { 'aws:SourceAccount': '111111111111' },
        ArnEquals: {
          'aws:SourceArn': {
            'Fn::GetAtt': [expect.stringMatching(/^ContactCenterInstance/), 'Arn'],
          },
        },
      },
    });
  });
});
