import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  CorsHttpMethod,
  HttpApi,
  type HttpMethod,
  type HttpRoute,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
} from 'aws-cdk-lib/aws-cognito';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { IdentitySettings } from '../../lambda/core/policy';
import { acknowledge } from './nag';
import { markRole } from './roles';

export interface FairlistenApiProps {
  readonly identity: IdentitySettings;
  /** Key of the access-log group. */
  readonly logKey: IKey;
  readonly logRetentionDays: number;
  /**
   * Prefix of the Cognito hosted sign-in domain (`https://<prefix>.auth.<region>.amazoncognito.com`),
   * unique per region across AWS accounts.
   * @default - `fairlisten-<account id>` (plus the stage when the stack has one)
   */
  readonly signInDomainPrefix?: string;
  /**
   * Where the hosted sign-in may send people back with the authorization code (the agent
   * workspace app's callback, the CLI's loopback listener).
   * @default - the local app (`http://localhost:8787/callback`) only
   */
  readonly callbackUrls?: readonly string[];
  /**
   * Browser origins allowed to call the API (CORS), e.g. the agent workspace app's
   * `https://<distribution>.cloudfront.net`.
   * @default - none: browsers on other origins cannot read any response
   */
  readonly allowedOrigins?: readonly string[];
}

/** Default limits of every route (each route has its own token bucket at these values). */
export const DEFAULT_ROUTE_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

/**
 * The one HTTP API people use — agents, coaches, the data-protection officer and staff
 * representatives. Every route requires a JWT: from a Cognito user pool created here, or from
 * the OIDC issuer the policy names. Roles come from token groups; the Connect user id from a
 * claim (lambda/shared/identity-config.ts). Handlers authorize per request on top of that.
 */
export class FairlistenApi extends Construct {
  readonly api: HttpApi;
  readonly userPool?: UserPool;
  readonly userPoolClient?: UserPoolClient;
  readonly issuer: string;
  /** Hosted sign-in URL (OAuth code flow with PKCE), when the stack creates the user pool. */
  readonly signInUrl?: string;
  /** How the functions behind the routes read identity from token claims (lambda/shared/identity-config.ts). */
  readonly identity: IdentitySettings;
  readonly stage: HttpStage;
  private readonly routes = new Map<string, HttpRoute>();
  private readonly authorizer: HttpJwtAuthorizer;

  constructor(scope: Construct, id: string, props: FairlistenApiProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.identity = props.identity;

    let audience: string[];
    if (props.identity.issuer) {
      this.issuer = props.identity.issuer;
      audience = [...(props.identity.audience ?? [])];
    } else {
      this.userPool = new UserPool(this, 'Users', {
        selfSignUpEnabled: false,
        signInAliases: { username: true, email: false },
        // An e-mail address is optional (no personal data is needed to use fairlisten); a person who
        // gives one can reset a forgotten password alone, anyone else asks the data-protection
        // officer, who resets it as an administrator.
        standardAttributes: { email: { required: false, mutable: true } },
        mfa: Mfa.REQUIRED,
        mfaSecondFactor: { otp: true, sms: false },
        passwordPolicy: {
          minLength: 14,
          requireDigits: true,
          requireLowercase: true,
          requireUppercase: true,
          requireSymbols: true,
        },
        accountRecovery: AccountRecovery.EMAIL_ONLY,
        featurePlan: FeaturePlan.ESSENTIALS,
        // The only personal link kept: which Connect user a person is (no name, no e-mail needed).
        customAttributes: {
          connect_user_id: new StringAttribute({ mutable: false, minLen: 36, maxLen: 36 }),
        },
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const callbackUrls = [...(props.callbackUrls ?? ['http://localhost:8787/callback'])];
      // A public client: the app and the CLI cannot keep a secret, so the code flow uses PKCE.
      this.userPoolClient = this.userPool.addClient('Client', {
        generateSecret: false,
        authFlows: { userSrp: true },
        oAuth: {
          flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
          scopes: [OAuthScope.OPENID, OAuthScope.PROFILE],
          callbackUrls,
          logoutUrls: callbackUrls,
        },
        supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
        accessTokenValidity: Duration.minutes(15),
        idTokenValidity: Duration.minutes(15),
        refreshTokenValidity: Duration.hours(8),
        preventUserExistenceErrors: true,
      });
      for (const [role, name] of Object.entries(props.identity.groups)) {
        new CfnUserPoolGroup(this, `Group${role[0]!.toUpperCase()}${role.slice(1)}`, {
          userPoolId: this.userPool.userPoolId,
          groupName: name,
          description: `fairlisten role: ${role}`,
        });
      }
      const domain = this.userPool.addDomain('SignIn', {
        cognitoDomain: { domainPrefix: props.signInDomainPrefix ?? `fairlisten-${stack.account}` },
      });
      this.signInUrl = domain.signInUrl(this.userPoolClient, {
        redirectUri: callbackUrls[0]!,
        signInPath: '/oauth2/authorize',
      });
      this.issuer = `https://cognito-idp.${stack.region}.amazonaws.com/${this.userPool.userPoolId}`;
      audience = [this.userPoolClient.userPoolClientId];
      acknowledge(
        this.userPool,
        ['solutions'],
        'COG8',
        'Threat protection needs the Plus feature plan, a cost decision left to the operator; sign-in already requires TOTP MFA, self sign-up is off and accounts are provisioned by the data-protection officer.',
      );
    }

    this.authorizer = new HttpJwtAuthorizer('Jwt', this.issuer, {
      jwtAudience: audience,
      identitySource: ['$request.header.Authorization'],
    });
    this.api = new HttpApi(this, 'Api', {
      description: 'fairlisten: privacy, playback and transparency API',
      createDefaultStage: false,
      defaultAuthorizer: this.authorizer,
      // Preflight answered by API Gateway itself, for the listed origins only; the routes use
      // GET and POST with a bearer token and a JSON body, nothing else.
      corsPreflight: props.allowedOrigins?.length
        ? {
            allowOrigins: [...props.allowedOrigins],
            allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.OPTIONS],
            allowHeaders: ['authorization', 'content-type'],
            allowCredentials: false,
            maxAge: Duration.hours(1),
          }
        : undefined,
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      encryptionKey: props.logKey,
      retention: props.logRetentionDays >= 365 ? 365 : props.logRetentionDays >= 180 ? 180 : 90,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stage = new HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { ...DEFAULT_ROUTE_THROTTLE },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // Identifiers only: who (sub), which route, outcome — no query strings, no bodies.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            route: '$context.routeKey',
            status: '$context.status',
            principal: '$context.authorizer.claims.sub',
            latencyMs: '$context.responseLatency',
          }),
        ),
      },
    });
    markRole(this.api, 'api:http');
  }

  /** Routes `method path` to `fn`, behind the JWT authorizer. */
  addRoute(id: string, method: HttpMethod, path: string, fn: IFunction): void {
    const [route] = this.api.addRoutes({
      path,
      methods: [method],
      integration: new HttpLambdaIntegration(id, fn),
      authorizer: this.authorizer,
    });
    this.routes.set(`${method} ${path}`, route!);
  }

  /**
   * Gives a route its own limits, above the default every other route is held to: API Gateway
   * keeps one token bucket per route, so traffic on other routes never spends this route's
   * tokens. The route must have been added (`addRoute`) first.
   */
  throttleRoute(method: HttpMethod, path: string, limits: { rateLimit: number; burstLimit: number }): void {
    const key = `${method} ${path}`;
    const route = this.routes.get(key);
    if (!route) throw new Error(`cannot throttle ${key}: no such route on the API (add it first)`);
    const { rateLimit, burstLimit } = limits;
    if (!Number.isInteger(rateLimit) || rateLimit < 1 || rateLimit > 10_000)
      throw new Error(`rateLimit of ${key} must be an integer 1..10000, got ${rateLimit}`);
    if (!Number.isInteger(burstLimit) || burstLimit < rateLimit || burstLimit > 5_000)
      throw new Error(
        `burstLimit of ${key} must be an integer from rateLimit (${rateLimit}) to 5000, got ${burstLimit}`,
      );
    if (rateLimit < DEFAULT_ROUTE_THROTTLE.rateLimit)
      throw new Error(
        `rateLimit of ${key} is ${rateLimit}, below the default ${DEFAULT_ROUTE_THROTTLE.rateLimit} of every route: a reserved route must not get less`,
      );
    const cfn = this.stage.node.defaultChild as CfnStage;
    cfn.addPropertyOverride(`RouteSettings.${key}`, {
      ThrottlingRateLimit: rateLimit,
      ThrottlingBurstLimit: burstLimit,
    });
    // A stage naming a route key that does not exist yet fails to deploy.
    this.stage.node.addDependency(route);
  }
}
