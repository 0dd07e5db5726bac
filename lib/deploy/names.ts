/**
 * Every physical name fairlisten gives a resource, derived from one context value, the stage
 * (`cdk deploy -c stage=prod`). Two stages in one account, or fairlisten in an instance that
 * already has a queue called `fairlisten`, then never collide. Without a stage the names are the
 * plain ones (one deployment per account).
 */

/** Lower-case, starts with a letter: it ends up in a stack name, a Connect alias and Connect names. */
export const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;

/** Connect instance aliases: 1–62 characters, letters, digits and hyphens, not at either end. */
const ALIAS_PATTERN = /^(?!-)[a-zA-Z0-9-]{1,62}(?<!-)$/;

export interface DeploymentNames {
  readonly stage?: string;
  /** The CloudFormation stack (and so the `cdk.out/<id>.template.json` file). */
  readonly stackId: string;
  /**
   * Alias of a created Connect instance. It is the first label of the instance's public URL
   * (`https://<alias>.my.connect.aws`), so it must be unique across all AWS accounts.
   */
  readonly instanceAlias: string;
  readonly queue: string;
  readonly hoursOfOperation: string;
  /** The routing profile that routes the queue (when the stack creates one). */
  readonly routingProfile: string;
  readonly whisperFlow: string;
  readonly inboundFlow: string;
}

export function deploymentNames(policyAlias: string, stage?: string): DeploymentNames {
  if (stage !== undefined && !STAGE_PATTERN.test(stage)) {
    throw new Error(
      `stage must be 1–20 lower-case letters, digits or hyphens starting with a letter, got ${JSON.stringify(stage)}`,
    );
  }
  const suffix = stage ? `-${stage}` : '';
  const instanceAlias = `${policyAlias}${suffix}`;
  if (!ALIAS_PATTERN.test(instanceAlias)) {
    throw new Error(
      `the Connect instance alias ${JSON.stringify(instanceAlias)} (policy connect.instanceAlias + stage) must be 1–62 letters, digits or hyphens`,
    );
  }
  const label = stage ? `fairlisten ${stage}` : 'fairlisten';
  return {
    stage,
    stackId: `Fairlisten${suffix}`,
    instanceAlias,
    queue: `fairlisten${suffix}`,
    hoursOfOperation: `fairlisten${suffix}-always-open`,
    routingProfile: `fairlisten${suffix}`,
    whisperFlow: `${label} agent whisper`,
    inboundFlow: `${label} inbound`,
  };
}
