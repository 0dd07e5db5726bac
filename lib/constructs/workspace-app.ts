import { DockerImage, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
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
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { WORKSPACE_APP_BUCKET_ROLE } from '../policy/metadata';
import { APP_SOURCE, buildApp } from '../workspace-app/build';
import { LOG_RETENTIONS } from './fairlisten-function';
import { acknowledge } from './nag';
import { markRole } from './roles';

const ALIAS_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,60}[a-z0-9])?$/i;
const HTTPS_SOURCE = /^https:\/\/[a-z0-9*.-]+(?::\d+)?$/i;

/** What the app reads from `config.json` at start (see app/src/config.ts). */
export interface WorkspaceAppConfig {
  /** The HTTP API's endpoint. */
  readonly apiBaseUrl: string;
  /** The Cognito hosted sign-in: `https://<prefix>.auth.<region>.amazoncognito.com`. */
  readonly signInDomain: string;
  /** The public (PKCE) app client. */
  readonly clientId: string;
  /** The token claim holding the groups, and the agent and coach groups. */
  readonly identity: {
    readonly groupsClaim: string;
    readonly groups: { readonly agent: string; readonly coach: string };
  };
}

export interface WorkspaceAppContentProps {
  readonly config: WorkspaceAppConfig;
  /** Key of the deployment function's log group. */
  readonly logKey: IKey;
  /** Days its logs are kept (rounded down to a retention CloudWatch accepts). */
  readonly logRetentionDays: number;
}

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
 * `deployContent` uploads the app itself (built at synth time) and its `config.json`.
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
  /** Where the hosted sign-in sends the code back (`<origin>/callback.html`, which hands it to the app). */
  readonly callbackUrl: string;
  /** The origins allowed to embed the app. */
  readonly frameAncestors: readonly string[];

  /** Uploads the built app and its `config.json` at deployment (see `deployWorkspaceAppContent`). */
  deployContent(props: WorkspaceAppContentProps): WorkspaceAppContent {
    return deployWorkspaceAppContent(this, props);
  }

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
    this.callbackUrl = `${this.origin}/callback.html`;

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

export interface WorkspaceAppContent {
  readonly deployment: BucketDeployment;
  readonly role: Role;
  readonly logs: LogGroup;
}

/**
 * Uploads the app into the bucket at deployment: the bundle built by esbuild at synth time (no
 * Docker) and `config.json` from the stack's values (API endpoint, sign-in domain, client id),
 * then invalidates the distribution. Files no longer in the bundle are removed (prune); the
 * bucket's versioning keeps the replaced ones 30 days.
 */
function deployWorkspaceAppContent(app: WorkspaceApp, props: WorkspaceAppContentProps): WorkspaceAppContent {
  const scope = new Construct(app, 'Content');
  const logs = new LogGroup(scope, 'Logs', {
    retention: LOG_RETENTIONS.filter((d) => d <= props.logRetentionDays).at(-1) ?? 1,
    encryptionKey: props.logKey,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  // Its own role, without AWS managed policies: the deployment grants its S3 and CloudFront
  // permissions to it, the log group grant below lets it log.
  const role = new Role(scope, 'Role', {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: 'fairlisten: uploads the workspace app into its bucket',
  });
  logs.grantWrite(role);
  const { config } = props;
  const deployment = new BucketDeployment(scope, 'Deployment', {
    sources: [
      Source.asset(APP_SOURCE, {
        bundling: {
          // Never used: the app is built locally with esbuild (tryBundle), as the functions are.
          image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:20'),
          local: {
            tryBundle(outputDir: string) {
              buildApp(outputDir);
              return true;
            },
          },
        },
      }),
      Source.jsonData('config.json', {
        apiBaseUrl: config.apiBaseUrl,
        auth: {
          type: 'cognito',
          domain: config.signInDomain,
          clientId: config.clientId,
          redirectUri: app.callbackUrl,
        },
        identity: config.identity,
      }),
    ],
    destinationBucket: app.bucket,
    distribution: app.distribution,
    distributionPaths: ['/*'],
    prune: true,
    role,
    logGroup: logs,
    memoryLimit: 256,
  });
  const stack = Stack.of(app);
  const bucketArn = `<${stack.getLogicalId(app.bucket.node.defaultChild as never)}.Arn>`;
  const assets = `arn:${stack.partition}:s3:::cdk-hnb659fds-assets-${stack.account}-${stack.region}/*`;
  for (const finding of [
    'IAM5[Action::s3:GetBucket*]',
    'IAM5[Action::s3:GetObject*]',
    'IAM5[Action::s3:List*]',
    'IAM5[Action::s3:Abort*]',
    'IAM5[Action::s3:DeleteObject*]',
    `IAM5[Resource::${bucketArn}/*]`,
    `IAM5[Resource::${assets}]`,
    'IAM5[Resource::*]',
  ]) {
    acknowledge(
      role,
      ['solutions'],
      finding,
      'Written by CDK BucketDeployment: read the app asset from the CDK asset bucket, write and prune the app bucket objects, and CloudFront CreateInvalidation/GetInvalidation (which have no resource-level permissions); a deployment-time copy of static code.',
    );
  }
  acknowledge(
    role,
    ['hipaa', 'nist', 'pci'],
    'IAMNoInlinePolicy',
    'The policy is generated by CDK BucketDeployment grants for this one role only; a customer-managed policy would hold the same statements and be no narrower.',
  );
  // The provider function is a singleton at stack level: its findings are acknowledged there.
  const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (handler) {
    acknowledge(
      handler,
      ['solutions'],
      'L1',
      'The runtime of the BucketDeployment provider function is chosen and pinned by aws-cdk-lib; it runs only at deployment, on static app files.',
    );
    acknowledge(
      handler,
      ['hipaa', 'nist', 'pci'],
      'LambdaConcurrency',
      'Deployment-time custom resource: CloudFormation invokes it once per deployment of the app; a reserved concurrency limit adds nothing.',
    );
    acknowledge(
      handler,
      ['hipaa', 'nist', 'pci', 'serverless'],
      'LambdaDLQ',
      'Custom resource invoked synchronously by CloudFormation, which reports a failure and rolls the deployment back; there is no asynchronous event to keep.',
    );
    acknowledge(
      handler,
      ['serverless'],
      'LambdaLatestVersion',
      'The runtime of the BucketDeployment provider function is chosen and pinned by aws-cdk-lib (it moves with the aws-cdk-lib upgrade), not by this project.',
    );
    acknowledge(
      handler,
      ['serverless'],
      'LambdaTracing',
      'A deployment-time copy of static files driven by CloudFormation, which records its outcome; there is no request path to trace.',
    );
    acknowledge(
      handler,
      ['hipaa', 'nist', 'pci'],
      'LambdaInsideVPC',
      'The deployment function copies public static app code between two S3 buckets and calls CloudFront; it handles no personal data and needs no private network.',
    );
  }
  return { deployment, role, logs };
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
