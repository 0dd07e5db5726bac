/** FairlistenApi: the JWT authorizer from its own Cognito pool or an external issuer, and routes. */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { identityEnvironment } from '../../../lambda/shared/identity-config';
import { FairlistenApi } from '../../../lib/constructs/fairlisten-api';
import { defaultPolicy } from '../../../lib/policy/load';
import { removeAfterFile } from '../../support/outdirs';

function synth(identity = defaultPolicy().identity, configure?: (api: FairlistenApi) => void) {
  const app = new App();
  removeAfterFile(app.outdir);
  const stack = new Stack(app, 'T', { env: { account: '111111111111', region: 'eu-central-1' } });
  const api = new FairlistenApi(stack, 'Api', {
    identity,
    logKey: new Key(stack, 'K'),
    logRetentionDays: 200,
  });
  const fn = new LambdaFunction(stack, 'Fn', {
    runtime: Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: Code.fromInline('export const handler = async () => ({})'),
  });
  api.addRoute('Me', HttpMethod.GET, '/me', fn);
  configure?.(api);
  return { api, template: Template.fromStack(stack) };
}

describe('FairlistenApi', () => {
  it('creates a Cognito pool with MFA, no self sign-up, the immutable Connect user attribute and the role groups', () => {
    const { api, template } = synth();
    expect(api.userPool).toBeDefined();
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Schema: Match.arrayWith([Match.objectLike({ Name: 'connect_user_id', Mutable: false })]),
    });
    const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup')).map(
      (g) => g.Properties.GroupName,
    );
    expect(groups.sort()).toEqual(Object.values(defaultPolicy().identity.groups).sort());
  });

  it('trusts an external issuer instead, with its audience, and creates no pool', () => {
    const issuer = 'https://login.example.eu/tenant';
    const { api, template } = synth({ ...defaultPolicy().identity, issuer, audience: ['fairlisten'] });
    expect(api.userPool).toBeUndefined();
    expect(api.issuer).toBe(issuer);
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: issuer, Audience: ['fairlisten'] },
    });
  });

  it('puts every route behind the JWT authorizer', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'GET /me',
      AuthorizationType: 'JWT',
      AuthorizerId: Match.anyValue(),
    });
  });

  it('throttles the stage and logs identifiers only', () => {
    const { template } = synth();
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
    expect(stage.Properties.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: 50,
      ThrottlingBurstLimit: 100,
    });
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format);
    expect(Object.keys(format).sort()).toEqual([
      'latencyMs',
      'principal',
      'requestId',
      'route',
      'status',
      'time',
    ]);
  });

  it('answers CORS for no origin by default, and for exactly the given origins otherwise', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
    const app = new App();
    removeAfterFile(app.outdir);
    const stack = new Stack(app, 'C', { env: { account: '111111111111', region: 'eu-central-1' } });
    new FairlistenApi(stack, 'Api', {
      identity: defaultPolicy().identity,
      logKey: new Key(stack, 'K'),
      logRetentionDays: 90,
      allowedOrigins: ['https://d111.cloudfront.net'],
    });
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: ['https://d111.cloudfront.net'],
        AllowMethods: ['GET', 'POST', 'OPTIONS'],
        AllowHeaders: ['authorization', 'content-type'],
        AllowCredentials: false,
      },
    });
  });

  it('gives a route its own limits and makes the stage wait for that route', () => {
    const { template } = synth(undefined, (api) =>
      api.throttleRoute(HttpMethod.GET, '/me', { rateLimit: 80, burstLimit: 160 }),
    );
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
    expect(stage.Properties.RouteSettings).toEqual({
      'GET /me': { ThrottlingRateLimit: 80, ThrottlingBurstLimit: 160 },
    });
    const routeId = Object.keys(template.findResources('AWS::ApiGatewayV2::Route'))[0]!;
    expect(stage.DependsOn).toContain(routeId);
  });

  it.each([
    [HttpMethod.POST, '/me', { rateLimit: 80, burstLimit: 160 }, /cannot throttle POST \/me: no such route/],
    [
      HttpMethod.GET,
      '/me',
      { rateLimit: 0, burstLimit: 10 },
      /rateLimit of GET \/me must be an integer 1..10000, got 0/,
    ],
    [
      HttpMethod.GET,
      '/me',
      { rateLimit: 60, burstLimit: 30 },
      /burstLimit of GET \/me must be an integer from rateLimit \(60\)/,
    ],
    [HttpMethod.GET, '/me', { rateLimit: 10, burstLimit: 20 }, /below the default 50 of every route/],
  ] as const)('refuses to throttle %s %s with %j', (method, path, limits, message) => {
    const { api } = synth();
    expect(() => api.throttleRoute(method, path, limits)).toThrow(message);
  });

  it('hands functions the identity settings they read claims with', () => {
    const identity = defaultPolicy().identity;
    expect(identityEnvironment(synth().api.identity)).toEqual({
      IDENTITY_GROUPS_CLAIM: identity.groupsClaim,
      IDENTITY_CONNECT_USER_CLAIM: identity.connectUserClaim,
      IDENTITY_GROUPS: JSON.stringify(identity.groups),
    });
  });
});
