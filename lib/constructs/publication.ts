import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, type IGrantable, type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { AUDIT_EXPORT_ENV } from '../../lambda/audit-export/config';
import {
  PUBLISHED_HEADS_PREFIX,
  PUBLISHED_KEYS_PREFIX,
  PUBLISHED_POLICIES_PREFIX,
  PUBLISHED_PREFIX,
  PUBLISHED_SEEDS_PREFIX,
} from '../../lambda/core/publication';
import type { FairlistenFunction } from './fairlisten-function';
import { acknowledge } from './nag';

export interface PublicationProps {
  /** The audit bucket (Object Lock COMPLIANCE): the publication lives under its `published/`. */
  readonly bucket: Bucket;
  /** The audit exporter: the one writer of `published/heads/` and `published/keys/`. */
  readonly exporter: FairlistenFunction;
}

/** Operations that create part of an object without completing it: exempt from If-None-Match. */
export const PART_OPERATIONS = ['CreateMultipartUpload', 'UploadPart', 'UploadPartCopy'];
export const WRITE_ACTIONS = ['s3:PutObject'];
const DELETE_ACTIONS = ['s3:DeleteObject', 's3:DeleteObjectVersion'];

/**
 * What the works council relies on, written once (lambda/core/publication.ts): the audit bucket's
 * `published/` prefix, where the bucket policy
 *  - refuses any put that is not a conditional first write (`s3:if-none-match` required on
 *    PutObject and CompleteMultipartUpload), so S3 itself refuses an overwrite — Object Lock alone
 *    would keep the old version but let a new one become current;
 *  - refuses puts to every principal but the one writer of each prefix: the exporter for
 *    `heads/` and `keys/`, the seed function for `seeds/` and `policies/` (`grantPublishSeeds`);
 *  - refuses every delete, to everyone (a delete marker would hide a published object).
 *
 * The heads are signed with an asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY) whose key policy
 * denies `kms:Sign` to every principal but the exporter: a council member verifies a signature with
 * the public key alone (published once under `published/keys/`, and the key ARN is a stack output),
 * with no AWS access, and nobody else can produce heads that verify.
 */
export class Publication extends Construct {
  readonly signingKey: Key;
  private readonly bucket: Bucket;
  private seedsPublisher?: IRole;

  constructor(scope: Construct, id: string, props: PublicationProps) {
    super(scope, id);
    this.bucket = props.bucket;
    const exporter = props.exporter.role!;

    this.signingKey = new Key(this, 'HeadsSigningKey', {
      description: 'fairlisten: signs the audit heads the exporter publishes (ECDSA P-256)',
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.signingKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OnlyTheExporterSigns',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['kms:Sign'],
        resources: ['*'],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': exporter.roleArn } },
      }),
    );
    this.signingKey.grant(exporter, 'kms:Sign', 'kms:GetPublicKey');
    props.exporter.addEnvironment(AUDIT_EXPORT_ENV.headsKeyId, this.signingKey.keyArn);

    const bucket = props.bucket;
    bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'PublishedOnlyOnce',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: WRITE_ACTIONS,
        resources: [bucket.arnForObjects(`${PUBLISHED_PREFIX}*`)],
        conditions: {
          Null: { 's3:if-none-match': 'true' },
          StringNotEquals: { 's3:ObjectCreationOperation': PART_OPERATIONS },
        },
      }),
    );
    bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'PublishedNeverDeleted',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: DELETE_ACTIONS,
        resources: [bucket.arnForObjects(`${PUBLISHED_PREFIX}*`)],
      }),
    );
    this.onlyWriter('HeadsOnlyByTheExporter', [PUBLISHED_HEADS_PREFIX, PUBLISHED_KEYS_PREFIX], exporter);

    // Exporter: put once (and read back what is there when the put is refused).
    props.exporter.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject'],
        resources: [
          bucket.arnForObjects(`${PUBLISHED_HEADS_PREFIX}*`),
          bucket.arnForObjects(`${PUBLISHED_KEYS_PREFIX}*`),
        ],
      }),
    );
    acknowledge(
      exporter,
      ['solutions'],
      `IAM5[Resource::<${this.bucketLogicalId()}.Arn>/${PUBLISHED_HEADS_PREFIX}*]`,
      'One signed heads object per export run, named by its time; put once (if-none-match), limited to published/heads/ of the Object Lock audit bucket.',
    );
    acknowledge(
      exporter,
      ['solutions'],
      `IAM5[Resource::<${this.bucketLogicalId()}.Arn>/${PUBLISHED_KEYS_PREFIX}*]`,
      'The verifying public key, named by its fingerprint; put once, limited to published/keys/ of the Object Lock audit bucket.',
    );
    acknowledge(
      this.signingKey,
      ['solutions', 'nist', 'pci', 'hipaa'],
      'KMS5',
      'An asymmetric signing key cannot be rotated by KMS; its public key is published once and heads name the key that signed them, so a new key is a new published key, not a rotation.',
    );
  }

  /**
   * The seed function: the one writer of `published/seeds/` (commitments, revealed seeds) and
   * `published/policies/`. Called once; a second publisher is a synth error.
   */
  grantPublishSeeds(grantee: IGrantable & { readonly role?: IRole }): void {
    const role = grantee.role;
    if (!role) throw new Error('grantPublishSeeds needs a function with a role');
    if (this.seedsPublisher) {
      throw new Error(
        `published/seeds/ already has its publisher ${this.seedsPublisher.node.path}: one writer per published prefix`,
      );
    }
    this.seedsPublisher = role;
    this.onlyWriter('SeedsOnlyByTheSeedFunction', [PUBLISHED_SEEDS_PREFIX, PUBLISHED_POLICIES_PREFIX], role);
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject'],
        resources: [
          this.bucket.arnForObjects(`${PUBLISHED_SEEDS_PREFIX}*`),
          this.bucket.arnForObjects(`${PUBLISHED_POLICIES_PREFIX}*`),
        ],
      }),
    );
    for (const prefix of [PUBLISHED_SEEDS_PREFIX, PUBLISHED_POLICIES_PREFIX]) {
      acknowledge(
        role,
        ['solutions'],
        `IAM5[Resource::<${this.bucketLogicalId()}.Arn>/${prefix}*]`,
        `Published objects are named per period or by their SHA-256 at run time; put once (if-none-match), limited to ${prefix} of the Object Lock audit bucket.`,
      );
    }
  }

  private onlyWriter(sid: string, prefixes: readonly string[], writer: IRole): void {
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid,
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: WRITE_ACTIONS,
        resources: prefixes.map((p) => this.bucket.arnForObjects(`${p}*`)),
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': writer.roleArn } },
      }),
    );
  }

  private bucketLogicalId(): string {
    return Stack.of(this).getLogicalId(this.bucket.node.defaultChild as never);
  }
}
