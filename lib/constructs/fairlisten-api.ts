import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, type HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
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
}

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
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      encryptionKey: props.logKey,
      retention: props.logRetentionDays >= 365 ? 365 : props.logRetentionDays >= 180 ? 180 : 90,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
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
    this.api.addRoutes({
      path,
      methods: [method],
      integration: new HttpLambdaIntegration(id, fn),
      authorizer: this.authorizer,
    });
  }
}
