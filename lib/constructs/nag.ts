import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The cdk-nag packs fairlisten answers to, by rule-id prefix. */
const PACK_PREFIXES = {
  solutions: 'AwsSolutions-',
  hipaa: 'HIPAA.Security-',
  nist: 'NIST.800.53.R5-',
  pci: 'PCI.DSS.321-',
  serverless: 'Serverless-',
} as const;

type Pack = keyof typeof PACK_PREFIXES;

/**
 * Acknowledges one finding, on one construct, with its reason, in every pack that reports it.
 * `rule` is the rule name without the pack prefix (e.g. `LambdaInsideVPC`); for AwsSolutions
 * findings with a finding id, pass it whole (e.g. `IAM5[Resource::*]`).
 */
export function acknowledge(scope: IConstruct, packs: readonly Pack[], rule: string, reason: string): void {
  if (reason.trim().length < 20)
    throw new Error(`acknowledgement of ${rule} needs a real reason, got "${reason}"`);
  for (const pack of packs) {
    Validations.of(scope).acknowledge({ id: `${PACK_PREFIXES[pack]}${rule}`, reason });
  }
}
