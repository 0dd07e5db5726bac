/** WorkspaceApp: private bucket behind CloudFront (OAC), embedding headers, Connect registration. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../../lib/app';
import { WorkspaceApp, type WorkspaceAppProps } from '../../../lib/constructs/workspace-app';
import { defaultPolicy } from '../../../lib/policy/load';
import { removeAfterFile } from '../../support/outdirs';
import { synthStack } from '../../support/synth';

const INSTANCE_ID = '11111111-2222-3333-4444-555555555555';
const INSTANCE_ARN = `arn:aws:connect:eu-central-1:111111111111:instance/${INSTANCE_ID}`;

function synth(props: Partial<WorkspaceAppProps> = {}) {
  const app = new App();
  removeAfterFile(app.outdir);
  const stack = new Stack(app, 'T', { env: { account: '111111111111', region: 'eu-west-3' } });
  const workspaceApp = new WorkspaceApp(stack, 'App', {
    instanceArn: INSTANCE_ARN,
    instanceAlias: 'acme-cc',
    ...props,
  });
  return { stack, workspaceApp, template: Template.fromStack(stack) };
}

const { stack, workspaceApp, template } = synth({
  connectSources: ['https://api.example.eu'],
  mediaSources: ['https://*.s3.eu-west-3.amazonaws.com'],
});
const distributionId = stack.getLogicalId(workspaceApp.distribution.node.defaultChild as never);
const bucketId = stack.getLogicalId(workspaceApp.bucket.node.defaultChild as never);
const domain = { 'Fn::GetAtt': [distributionId, 'DomainName'] };
const origin = { 'Fn::Join': ['', ['https://', domain]] };

function csp(t: Template): string {
  const policies = Object.values(t.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
  expect(policies).toHaveLength(1);
  return policies[0]!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy
    .ContentSecurityPolicy as string;
}

describe('WorkspaceApp bucket', () => {
  it('is private, encrypted, TLS-only, owner-enforced, versioned and retained', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        VersioningConfiguration: { Status: 'Enabled' },
      },
    });
  });

  it('is readable only by this distribution (OAC), and refuses plain HTTP', () => {
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy'));
    expect(policies).toHaveLength(1);
    const statements = policies[0]!.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>;
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Action: 's3:GetObject',
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Condition: {
          StringEquals: {
            'AWS:SourceArn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':cloudfront::',
                  { Ref: 'AWS::AccountId' },
                  ':distribution/',
                  { Ref: distributionId },
                ],
              ],
            },
          },
        },
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] },
      },
    ]);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });
});

describe('WorkspaceApp distribution', () => {
  it('reads the bucket through an Origin Access Control that signs every request', () => {
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: {
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      },
    });
    const oacId = Object.keys(template.findResources('AWS::CloudFront::OriginAccessControl'))[0]!;
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        Origins: [
          Match.objectLike({
            DomainName: { 'Fn::GetAtt': [bucketId, 'RegionalDomainName'] },
            OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] },
            S3OriginConfig: { OriginAccessIdentity: '' },
          }),
        ],
      },
    });
  });

  it('serves HTTPS only (no redirect from HTTP), read-only, with the security headers policy', () => {
    const headersId = Object.keys(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0]!;
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'https-only',
          AllowedMethods: ['GET', 'HEAD'],
          ResponseHeadersPolicyId: { Ref: headersId },
        }),
      },
    });
  });

  it('sends HSTS, nosniff, no referrer, and no X-Frame-Options (CSP frame-ancestors decides)', () => {
    const config = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0]!
      .Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(config.StrictTransportSecurity).toEqual({
      AccessControlMaxAgeSec: 31_536_000,
      IncludeSubdomains: true,
      Override: true,
    });
    expect(config.ContentTypeOptions).toEqual({ Override: true });
    expect(config.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    expect(config.FrameOptions).toBeUndefined();
    expect(config.ContentSecurityPolicy.Override).toBe(true);
  });

  it('lets exactly the instance workspace origins frame the app, and nothing else load code', () => {
    const directives = Object.fromEntries(
      csp(template)
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values]),
    );
    expect(directives['frame-ancestors']).toEqual([
      'https://acme-cc.my.connect.aws',
      'https://acme-cc.awsapps.com',
    ]);
    expect(workspaceApp.frameAncestors).toEqual(directives['frame-ancestors']);
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['connect-src']).toEqual(["'self'", 'https://api.example.eu']);
    expect(directives['media-src']).toEqual(["'self'", 'https://*.s3.eu-west-3.amazonaws.com']);
  });
});

describe('WorkspaceApp registration with the instance', () => {
  it('is an AppIntegrations application loaded from the distribution, approved for its origin only', () => {
    template.resourceCountIs('AWS::AppIntegrations::Application', 1);
    template.hasResourceProperties('AWS::AppIntegrations::Application', {
      Name: 'fairlisten',
      Namespace: 'fairlisten',
      ApplicationSourceConfig: {
        ExternalUrlConfig: {
          AccessUrl: { 'Fn::Join': ['', ['https://', domain, '/']] },
          ApprovedOrigins: [origin],
        },
      },
      Permissions: ['User.Details.View', 'Contact.Details.View'],
    });
  });

  it('is associated with the instance as an APPLICATION integration', () => {
    const appId = Object.keys(template.findResources('AWS::AppIntegrations::Application'))[0]!;
    template.resourceCountIs('AWS::Connect::IntegrationAssociation', 1);
    template.hasResourceProperties('AWS::Connect::IntegrationAssociation', {
      InstanceId: INSTANCE_ARN,
      IntegrationType: 'APPLICATION',
      IntegrationArn: { 'Fn::GetAtt': [appId, 'ApplicationArn'] },
    });
  });
});

describe('WorkspaceApp misuse', () => {
  it.each([
    [
      { instanceAlias: 'acme.evil.example' },
      /instanceAlias must be a Connect instance alias.*acme\.evil\.example/,
    ],
    [{ instanceAlias: '' }, /instanceAlias must be a Connect instance alias .*, got ""/],
    [{ instanceArn: INSTANCE_ID }, /instanceArn must be a Connect instance ARN, got "11111111-/],
    [
      { connectSources: ['http://api.example.eu'] },
      /connectSources must be https:\/\/ origins.*http:\/\/api/,
    ],
    [{ mediaSources: ['https://x.example/path'] }, /mediaSources must be https:\/\/ origins without a path/],
    [{ connectSources: ["'unsafe-inline'"] }, /connectSources must be https:\/\/ origins/],
    [{ applicationName: 'fair listen' }, /applicationName must be 1–50 letters/],
  ] as const)('%j is refused', (bad, message) => {
    expect(() => synth(bad as Partial<WorkspaceAppProps>)).toThrow(message);
  });
});

describe('in the stack', () => {
  const { stack: full, template: stackTemplate } = synthStack();
  const app = full.workspaceApp!;
  const appDistribution = full.getLogicalId(app.distribution.node.defaultChild as never);
  const appOrigin = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [appDistribution, 'DomainName'] }]] };

  it('frames the app only in the workspace of the instance the stack creates', () => {
    const directives = csp(stackTemplate).split('; ');
    expect(directives).toContain(
      'frame-ancestors https://fairlisten.my.connect.aws https://fairlisten.awsapps.com',
    );
    stackTemplate.hasResourceProperties('AWS::Connect::IntegrationAssociation', {
      IntegrationType: 'APPLICATION',
      InstanceId: { 'Fn::GetAtt': [full.getLogicalId(full.contactCenter.instance!), 'Arn'] },
    });
  });

  it('lets browsers call the API from the app origin only, with the methods and headers the routes use', () => {
    stackTemplate.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: [appOrigin],
        AllowMethods: ['GET', 'POST', 'OPTIONS'],
        AllowHeaders: ['authorization', 'content-type'],
        AllowCredentials: false,
        MaxAge: 3600,
      },
    });
  });

  it('lets the hosted sign-in send the code back to the app (and to the local app, as before)', () => {
    stackTemplate.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      CallbackURLs: [
        'http://localhost:8787/callback',
        {
          'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [appDistribution, 'DomainName'] }, '/callback.html']],
        },
      ],
      AllowedOAuthFlows: ['code'],
    });
  });

  it('uploads the app and its config.json into the app bucket at deployment, pruning old files and invalidating the cache', () => {
    const deployments = stackTemplate.findResources('Custom::CDKBucketDeployment');
    expect(Object.keys(deployments)).toHaveLength(1);
    const props = Object.values(deployments)[0]!.Properties;
    expect(props.DestinationBucketName).toEqual({
      Ref: full.getLogicalId(app.bucket.node.defaultChild as never),
    });
    expect(props.DistributionId).toEqual({ Ref: appDistribution });
    expect(props.DistributionPaths).toEqual(['/*']);
    expect(props.Prune).toBe(true);
    // Two sources: the built app, and config.json written from the stack's values.
    expect(props.SourceObjectKeys).toHaveLength(2);
    expect(props.SourceMarkersConfig).toHaveLength(2);
    const markers = JSON.stringify(props.SourceMarkers);
    expect(markers).toContain(full.getLogicalId(full.api.api.node.defaultChild as never));
    expect(markers).toContain(full.getLogicalId(full.api.userPoolClient!.node.defaultChild as never));
  });

  it('writes config.json with the API endpoint, the PKCE client, the app callback and the role groups', () => {
    // Source.jsonData stages config.json as an asset of its own in the cloud assembly.
    const outdir = (full.node.root as App).outdir;
    const files = readdirSync(outdir)
      .filter((d) => d.startsWith('asset.'))
      .map((d) => join(outdir, d))
      .filter((p) => existsSync(join(p, 'config.json')));
    expect(files).toHaveLength(1);
    const config = JSON.parse(readFileSync(join(files[0]!, 'config.json'), 'utf8'));
    expect(config).toMatchObject({
      auth: {
        type: 'cognito',
        domain: expect.stringMatching(/^<<marker:0xbaba:\d+>>$/),
      },
      identity: {
        groupsClaim: 'cognito:groups',
        groups: { agent: expect.any(String), coach: expect.any(String) },
      },
    });
    expect(config.apiBaseUrl).toMatch(/^<<marker:0xbaba:\d+>>$/);
    expect(config.auth.clientId).toMatch(/^<<marker:0xbaba:\d+>>$/);
    expect(config.auth.redirectUri).toMatch(/^https:\/\/<<marker:0xbaba:\d+>>\/callback\.html$/);
  });

  it('deploys with its own role (no AWS managed policy) that logs to an encrypted, bounded log group', () => {
    const deployment = Object.values(stackTemplate.findResources('Custom::CDKBucketDeployment'))[0]!;
    const fnId = (deployment.Properties.ServiceToken as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const fn = stackTemplate.toJSON().Resources[fnId];
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    const role = stackTemplate.toJSON().Resources[roleId];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref;
    const logGroup = stackTemplate.toJSON().Resources[logGroupId];
    expect(logGroup.Properties.KmsKeyId).toBeDefined();
    expect(logGroup.Properties.RetentionInDays).toBeLessThanOrEqual(365);
  });

  it('outputs the app URL, bucket, distribution and application', () => {
    stackTemplate.hasOutput('WorkspaceAppUrl', {
      Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [appDistribution, 'DomainName'] }, '/']] },
    });
    stackTemplate.hasOutput('WorkspaceAppDistributionId', { Value: { Ref: appDistribution } });
    stackTemplate.hasOutput('WorkspaceAppBucketName', {
      Value: { Ref: full.getLogicalId(app.bucket.node.defaultChild as never) },
    });
    stackTemplate.hasOutput('WorkspaceAppApplicationArn', {
      Value: { 'Fn::GetAtt': [full.getLogicalId(app.application), 'ApplicationArn'] },
    });
  });

  it('has no workspace app for an imported instance whose alias is not given', () => {
    const { stack: imported, template: t } = synthStack({
      connect: {
        instanceAlias: 'fairlisten',
        existingInstanceArn:
          'arn:aws:connect:eu-central-1:111111111111:instance/11111111-2222-3333-4444-555555555555',
        contactLens: false,
        teamHierarchyLevel: 'LevelOne',
      },
    });
    expect(imported.workspaceApp).toBeUndefined();
    t.resourceCountIs('AWS::AppIntegrations::Application', 0);
    expect(Object.keys(t.toJSON().Outputs)).not.toContain('WorkspaceAppUrl');
    t.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
  });

  it('frames the app in an imported instance workspace when its alias is given (-c workspaceAppInstanceAlias)', () => {
    const { app: built, stack: imported } = buildApp(
      defaultPolicy({
        connect: {
          instanceAlias: 'fairlisten',
          existingInstanceArn: INSTANCE_ARN,
          contactLens: false,
          teamHierarchyLevel: 'LevelOne',
        },
      }),
      {
        nag: false,
        appProps: { context: { 'aws:cdk:bundling-stacks': [], workspaceAppInstanceAlias: 'acme-cc' } },
      },
    );
    removeAfterFile(built.outdir);
    const t = Template.fromStack(imported);
    expect(csp(t)).toContain('frame-ancestors https://acme-cc.my.connect.aws https://acme-cc.awsapps.com');
    t.hasResourceProperties('AWS::Connect::IntegrationAssociation', {
      InstanceId: INSTANCE_ARN,
      IntegrationType: 'APPLICATION',
    });
  });
});

describe('workspace app bucket retention', () => {
  it('keeps the current app code, expires replaced versions, and is marked so RETENTION-ONE-YEAR can name its exemption', () => {
    const { template } = synth();
    const buckets = template.findResources('AWS::S3::Bucket', {
      Metadata: { 'fairlisten:role': 'bucket:workspace-app' },
    });
    const [bucket] = Object.values(buckets);
    expect(Object.keys(buckets)).toHaveLength(1);
    expect(bucket!.Properties.LifecycleConfiguration.Rules).toEqual([
      {
        Id: 'expire-replaced-app-versions',
        NoncurrentVersionExpiration: { NoncurrentDays: 30 },
        Status: 'Enabled',
      },
    ]);
  });
});
