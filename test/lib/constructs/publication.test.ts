import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { samplerPolicyEnvironment } from '../../../lambda/sampler/config';
import { ROLE_METADATA_KEY } from '../../../lib/constructs/roles';
import { defaultPolicy } from '../../../lib/policy/load';
import { resourceWithRole, synthStack } from '../../support/synth';

const { stack, template } = synthStack();
const [bucketId] = resourceWithRole(template, 'bucket:audit', 'AWS::S3::Bucket');
const statements = () =>
  Object.values(template.findResources('AWS::S3::BucketPolicy')).find(
    (p) => p.Properties.Bucket.Ref === bucketId,
  )!.Properties.PolicyDocument.Statement as Record<string, unknown>[];
const bySid = (sid: string) => statements().find((s) => s.Sid === sid);
const objects = (prefix: string) => ({
  'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, `/${prefix}*`]],
});
const roleArnOf = (fn: { role?: { node: { defaultChild?: unknown } } }) => ({
  'Fn::GetAtt': [stack.getLogicalId(fn.role!.node.defaultChild as never), 'Arn'],
});
const exporter = stack.audit.exporter;
const seedFn = stack.seeds.function;

describe('the write-once publication (audit bucket, published/)', () => {
  it('sits in the Object Lock COMPLIANCE bucket', () => {
    template.hasResource('AWS::S3::Bucket', {
      Metadata: { [ROLE_METADATA_KEY]: 'bucket:audit' },
      Properties: Match.objectLike({
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: Match.objectLike({ Mode: 'COMPLIANCE' }) },
        },
      }),
    });
  });

  it('refuses every put that is not a conditional first write (if-none-match), parts of an upload aside', () => {
    expect(bySid('PublishedOnlyOnce')).toEqual({
      Sid: 'PublishedOnlyOnce',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Resource: objects('published/'),
      Condition: {
        Null: { 's3:if-none-match': 'true' },
        StringNotEquals: {
          's3:ObjectCreationOperation': ['CreateMultipartUpload', 'UploadPart', 'UploadPartCopy'],
        },
      },
    });
  });

  it('refuses every delete there, to everyone', () => {
    expect(bySid('PublishedNeverDeleted')).toEqual({
      Sid: 'PublishedNeverDeleted',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
      Resource: objects('published/'),
    });
  });

  it('has one writer per prefix: the exporter for heads and keys, the seed function for seeds and policies', () => {
    expect(bySid('HeadsOnlyByTheExporter')).toEqual({
      Sid: 'HeadsOnlyByTheExporter',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Resource: [objects('published/heads/'), objects('published/keys/')],
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': roleArnOf(exporter) } },
    });
    expect(bySid('SeedsOnlyByTheSeedFunction')).toEqual({
      Sid: 'SeedsOnlyByTheSeedFunction',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Resource: [objects('published/policies/'), objects('published/seeds/')],
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': roleArnOf(seedFn) } },
    });
  });

  it('signs heads with an ECC P-256 key only the exporter may use', () => {
    const keyId = stack.getLogicalId(stack.audit.publication.signingKey.node.defaultChild as never);
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        KeySpec: 'ECC_NIST_P256',
        KeyUsage: 'SIGN_VERIFY',
        KeyPolicy: Match.objectLike({
          Statement: Match.arrayWith([
            {
              Sid: 'OnlyTheExporterSigns',
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 'kms:Sign',
              Resource: '*',
              Condition: { ArnNotEquals: { 'aws:PrincipalArn': roleArnOf(exporter) } },
            },
          ]),
        }),
      }),
    });
    // kms:Sign appears in exactly one role policy: the exporter's, on this key.
    const signers = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('kms:Sign'),
    );
    expect(signers).toHaveLength(1);
    expect(JSON.stringify(signers[0]!.Properties.Roles)).toContain(
      stack.getLogicalId(exporter.role!.node.defaultChild as never),
    );
    expect(JSON.stringify(signers[0]!.Properties.PolicyDocument)).toContain(keyId);
    template.hasOutput('HeadsSigningKeyArn', { Value: { 'Fn::GetAtt': [keyId, 'Arn'] } });
  });

  it('gives the exporter its key and the seed function the policy document the sampler hashes', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ HEADS_KEY_ID: Match.anyValue(), AUDIT_BUCKET: Match.anyValue() }),
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          PUBLICATION_BUCKET: { Ref: bucketId },
          PUBLISHED_POLICY: samplerPolicyEnvironment(defaultPolicy()),
        }),
      },
    });
  });

  it('refuses a second publisher of published/seeds/', () => {
    expect(() => stack.audit.publication.grantPublishSeeds(stack.audit.exporter)).toThrow(
      /published\/seeds\/ already has its publisher .*one writer per published prefix/,
    );
  });
});
