import { readFileSync } from 'node:fs';
import { App, type AppProps, Aspects, Validations } from 'aws-cdk-lib';
import {
  AwsSolutionsChecks,
  HIPAASecurityChecks,
  type NagPack,
  NIST80053R5Checks,
  PCIDSS321Checks,
  ServerlessChecks,
  WriteNagSuppressionsToCloudFormationAspect,
} from 'cdk-nag';
import type { PhoneNumberClaim } from './constructs/contact-center';
import { deploymentNames } from './deploy/names';
import type { RecordingPolicy } from './policy/schema';
import { FairlistenStack } from './stacks/fairlisten-stack';

/** Placeholder account for offline synthesis; `cdk deploy` takes the real one from the CLI. */
export const PLACEHOLDER_ACCOUNT = '111111111111';

/** The cdk-nag packs the project answers to; findings fail the synth. */
export const nagPacks = (): NagPack[] => [
  new AwsSolutionsChecks(),
  new HIPAASecurityChecks(),
  new NIST80053R5Checks(),
  new PCIDSS321Checks(),
  new ServerlessChecks(),
];

/**
 * cdk.json's context (feature flags included), so an App built in a test or by the CLI
 * synthesizes exactly what `cdk synth` does.
 */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

export interface BuildOptions {
  readonly account?: string;
  /** @default - a new App */
  readonly app?: App;
  readonly appProps?: AppProps;
  /** Register the cdk-nag packs as validation plugins (the CLI synth does; unit tests check packs directly). */
  readonly nag?: boolean;
  /**
   * Deployment stage: every physical name (stack, Connect alias, queue, flows) is derived from it.
   * @default - the app's `stage` context (`-c stage=prod`), else none (plain names)
   */
  readonly stage?: string;
  /**
   * Alias of an imported Connect instance, so its agent workspace may embed the app.
   * @default - the app's `workspaceAppInstanceAlias` context, else the stack's default
   */
  readonly workspaceAppInstanceAlias?: string;
  /**
   * Create the routing profile with the fairlisten queue.
   * @default - the `routingProfile` context (`-c routingProfile=false`), else the stack's default
   */
  readonly routingProfile?: boolean;
  /**
   * Claim a phone number and route it to the inbound flow.
   * @default - the `phoneNumber` context (`-c phoneNumber=FR:DID` or `FR:DID:+331`), else none
   */
  readonly phoneNumber?: PhoneNumberClaim;
}

/** `COUNTRY:TYPE[:PREFIX]` from the command line (`-c phoneNumber=FR:DID:+331`). */
export function parsePhoneNumberContext(value: string): PhoneNumberClaim {
  const [countryCode, type, prefix, ...rest] = value.split(':');
  if (!countryCode || (type !== 'DID' && type !== 'TOLL_FREE') || rest.length > 0) {
    throw new Error(
      `-c phoneNumber must be COUNTRY:DID or COUNTRY:TOLL_FREE, optionally :+PREFIX, got ${JSON.stringify(value)}`,
    );
  }
  return { countryCode, type, ...(prefix ? { prefix } : {}) };
}

const booleanContext = (value: unknown): boolean | undefined =>
  value === undefined ? undefined : value === true || value === 'true';

/** Builds the app for a validated policy. The stack lives in the policy's region, nowhere else. */
export function buildApp(
  policy: RecordingPolicy,
  options: BuildOptions = {},
): { app: App; stack: FairlistenStack } {
  const app =
    options.app ??
    new App({ ...options.appProps, context: { ...cdkJsonContext(), ...options.appProps?.context } });
  const names = deploymentNames(
    policy.connect.instanceAlias,
    options.stage ?? (app.node.tryGetContext('stage') as string | undefined),
  );
  const stack = new FairlistenStack(app, names.stackId, {
    policy,
    names,
    workspaceAppInstanceAlias:
      options.workspaceAppInstanceAlias ??
      (app.node.tryGetContext('workspaceAppInstanceAlias') as string | undefined),
    routingProfile: options.routingProfile ?? booleanContext(app.node.tryGetContext('routingProfile')),
    phoneNumber:
      options.phoneNumber ??
      (typeof app.node.tryGetContext('phoneNumber') === 'string'
        ? parsePhoneNumberContext(app.node.tryGetContext('phoneNumber') as string)
        : undefined),
    env: { account: options.account ?? PLACEHOLDER_ACCOUNT, region: policy.region },
  });
  // Every acknowledgement, with its reason, lands in the template for the compliance report.
  Aspects.of(app).add(new WriteNagSuppressionsToCloudFormationAspect());
  if (options.nag ?? true) {
    Validations.of(app).addPlugins(...nagPacks());
  }
  return { app, stack };
}
