import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { policySchema, type RecordingPolicy, type RecordingPolicyInput } from './schema';

/** The reviewed policy at the repository root. */
export const DEFAULT_POLICY_FILE = fileURLToPath(new URL('../../recording-policy.json', import.meta.url));

/** A policy that breaks the schema or a hard limit. `problems` has one line per violation. */
export class PolicyError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid recording policy ${source}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'PolicyError';
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const where = path ? ` in ${path}` : '';
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}${where} (not part of the policy schema)`;
  }
  // Our own messages already start with the field name; zod's generic ones do not.
  return path && !issue.message.startsWith(path) ? `${path}: ${issue.message}` : issue.message;
}

/** Strips a Connect ARN down to the trailing UUID so exclusions compare by id. */
const toConnectId = (idOrArn: string): string => idOrArn.slice(idOrArn.lastIndexOf('/') + 1);

/** Validates a parsed policy object; throws PolicyError naming every problem. */
export function parsePolicy(input: unknown, source = '<inline>'): RecordingPolicy {
  const result = policySchema.safeParse(input);
  if (!result.success) {
    throw new PolicyError(source, result.error.issues.map(describeIssue));
  }
  const policy = result.data;
  return deepFreeze({
    ...policy,
    excludedAgents: [...new Set(policy.excludedAgents.map(toConnectId))].sort(),
    excludedQueues: [...new Set(policy.excludedQueues.map(toConnectId))].sort(),
  });
}

/** Reads and validates a policy file (default: recording-policy.json at the repository root). */
export function loadPolicy(file: string = DEFAULT_POLICY_FILE): RecordingPolicy {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    // The path is already in the message's first line: say the cause once.
    const e = err as NodeJS.ErrnoException;
    const cause = e.code === 'ENOENT' ? 'no such file or directory' : e.message;
    throw new PolicyError(path, [`cannot read the file: ${cause}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new PolicyError(path, [`not valid JSON: ${(err as Error).message}`]);
  }
  return parsePolicy(json, path);
}

/** A policy with every default applied, optionally overridden (tests, simulation). */
export function defaultPolicy(overrides: Partial<RecordingPolicyInput> = {}): RecordingPolicy {
  return parsePolicy(overrides, '<defaults>');
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
