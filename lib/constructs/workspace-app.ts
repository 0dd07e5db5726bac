import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import { CfnApplication } from 'aws-cdk-lib/aws-appintegrations';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { CfnIntegrationAssociation } from 'aws-cdk-lib/aws-connect';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { WORKSPACE_APP_BUCKET_ROLE } from '../policy/metadata';
import { acknowledge } from './nag';
import { markRole } from './roles';

const ALIAS_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,60}[a-z0-9])?$/i;
const HTTPS_SOURCE = /^https:\/\/[a-z0-9*.-]+(?::\d+)?$/i;

export interface WorkspaceAppProps {
  /** ARN of the Amazon Connect instance whose agent workspace embeds the app. */
  readonly instanceArn: string;
  /**
   * Alias of that instance: the workspace is served from `https://<alias>.my.connect.aws` and
   * `https://<alias>.awsapps.com`, the only origins allowed to frame the app.
   */
  readonly instanceAlias: string;
  /**
   * Name of the AppIntegrations application (what administrators see under Agent applications).
   * @default 'fairlisten'
   */
  readonly applicationName?: string;
  /**
   * Origins the app itself calls (CSP `connect-src`): the HTTP API, the hosted sign-in.
   * @default - none besides the app's own origin
   */
  readonly connectSources?: readonly string[];
  /**
   * Origins audio is played from (CSP `media-src`): the recordings bucket's presigned URLs.
   * @default - none besides the app's own origin
   */
  readonly mediaSources?: readonly string[];
  /**
   * Where the app bucket's S3 server access logs go (prefix `workspace-app/`).
   * @default - no server access logs
   */
  readonly accessLogsBucket?: IBucket;
}

/**
 * The agent workspace app's hosting and registration: a private EU bucket served only through
 * CloudFront (Origin Access Control, HTTPS), response headers that let only the instance's
 * workspace frame the app, and the AppIntegrations application associated with the instance.
 * The app bundle itself is uploaded by a separate step (the bucket starts empty).
 */
export class WorkspaceApp extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly responseHeaders: ResponseHeadersPolicy;
  readonly application: CfnApplication;
  readonly association: CfnIntegrationAssociation;
  /** `https://<distribution domain>`: the app's origin (CORS on the API allows only this). */
  readonly origin: string;
  /** Where the app is loaded from (`<origin>/`). */
  readonly url: string;
  /** Where the hosted sign-in sends the code back (`<origin>/callback`). */
  readonly callbackUrl: string;
  /** The origins allowed to embed the app. */
  readonly frameAncestors: readonly string[];

  constructor(scope: Construct, id: string, props: WorkspaceAppProps) {
    super(scope, id);
    validate(props);
    this.frameAncestors = [
      `https://${props.instanceAlias}.my.connect.aws`,
      `https://${props.instanceAlias}.awsapps.com`,
    ];

    // Static code, no personal data: SSE-S3, which Origin Access Control reads without a key grant.
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: props.accessLogsBucket ? 'workspace-app/' : undefined,
      // The current app must stay; replaced versions of it need not.
      lifecycleRules: [
        { id: 'expire-replaced-app-versions', noncurrentVersionExpiration: Duration.days(30) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // RETENTION-ONE-YEAR exempts this role from object expiry (it holds the published app code)
    // and says so in its evidence.
    markRole(this.bucket, WORKSPACE_APP_BUCKET_ROLE);

    const csp = [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      ["connect-src 'self'", ...(props.connectSources ?? [])].join(' '),
      ["media-src 'self'", ...(props.mediaSources ?? [])].join(' '),
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      `frame-ancestors ${this.frameAncestors.join(' ')}`,
    ].join('; ');
    this.responseHeaders = new ResponseHeadersPolicy(this, 'Headers', {
      comment: 'fairlisten workspace app: embeddable only by the Connect agent workspace',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: csp, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        // No X-Frame-Options: it cannot name two allowed framers; CSP frame-ancestors does.
      },
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'fairlisten agent workspace app',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeaders,
      },
    });
    this.origin = `https://${this.distribution.distributionDomainName}`;
    this.url = `${this.origin}/`;
    this.callbackUrl = `${this.origin}/callback`;

    const applicationName = props.applicationName ?? 'fairlisten';
    this.application = new CfnApplication(this, 'Application', {
      name: applicationName,
      namespace: applicationName,
      description: 'fairlisten: suspend, delete or redact my recording; assigned listens for coaches',
      applicationSourceConfig: {
        externalUrlConfig: { accessUrl: this.url, approvedOrigins: [this.origin] },
      },
      // Only what the app calls: the current contact and the agent, to find the contact itself.
      permissions: ['User.Details.View', 'Contact.Details.View'],
    });
    this.association = new CfnIntegrationAssociation(this, 'Association', {
      // The association takes the instance ARN here, not its id (CloudFormation's pattern says so).
      instanceId: props.instanceArn,
      integrationType: 'APPLICATION',
      integrationArn: this.application.attrApplicationArn,
    });

    acknowledge(
      this.bucket,
      ['hipaa', 'nist', 'pci'],
      'S3DefaultEncryptionKMS',
      'The bucket holds the public static app code and no personal data; SSE-S3 lets CloudFront Origin Access Control read it without a KMS key grant to the CloudFront service.',
    );
    acknowledge(
      this.bucket,
      ['hipaa', 'nist', 'pci'],
      'S3BucketReplicationEnabled',
      'The app code is a build artefact the deployment uploads again; replicating it would add a second region for no recovery benefit.',
    );
    acknowledge(
      this.distribution,
      ['solutions'],
      'CFR1',
      'The app is embedded by agents wherever the contact centre works (home working included); the Connect instance and Cognito sign-in decide who may use it, not the country.',
    );
    acknowledge(
      this.distribution,
      ['solutions'],
      'CFR2',
      'Static files only, read-only GET/HEAD through Origin Access Control; every API call is authorized by a JWT behind throttling, so a WAF web ACL adds cost and no protection to this origin.',
    );
    acknowledge(
      this.distribution,
      ['solutions'],
      'CFR3',
      'Standard CloudFront logs need an ACL-enabled bucket, which the project forbids; the app bucket has S3 server access logs, and every data access is logged by the API and the audit chain.',
    );
    acknowledge(
      this.distribution,
      ['solutions'],
      'CFR4',
      'The default *.cloudfront.net certificate fixes the viewer TLS policy; a custom domain with a TLSv1.2_2021 policy is an operator choice documented in the workspace app guide.',
    );
  }
}

function validate(props: WorkspaceAppProps): void {
  if (props.applicationName !== undefined && !/^[a-zA-Z0-9._-]{1,50}$/.test(props.applicationName))
    throw new Error(
      `applicationName must be 1–50 letters, digits, dots, underscores or hyphens, got ${JSON.stringify(props.applicationName)}`,
    );
  if (!Token.isUnresolved(props.instanceAlias) && !ALIAS_PATTERN.test(props.instanceAlias))
    throw new Error(
      `instanceAlias must be a Connect instance alias (letters, digits, hyphens), got ${JSON.stringify(props.instanceAlias)}`,
    );
  if (
    !Token.isUnresolved(props.instanceArn) &&
    !/^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance\/[0-9a-f-]{36}$/.test(props.instanceArn)
  )
    throw new Error(`instanceArn must be a Connect instance ARN, got ${JSON.stringify(props.instanceArn)}`);
  for (const [name, sources] of [
    ['connectSources', props.connectSources],
    ['mediaSources', props.mediaSources],
  ] as const) {
    for (const s of sources ?? []) {
      if (!Token.isUnresolved(s) && !HTTPS_SOURCE.test(s))
        throw new Error(`${name} must be https:// origins without a path, got ${JSON.stringify(s)}`);
    }
  }
}
