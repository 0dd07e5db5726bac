/**
 * cdk-nag acknowledgements, read from what will be deployed: the resource Metadata `cdk_nag.rules_to_suppress`
 * that cdk-nag v3 writes with `writeSuppressionsToCloudFormation: true`. When no resource of a stack carries
 * it, the acknowledgements are read from the stack's cloud-assembly metadata (`aws:cdk:acknowledged-rules`
 * per construct path), mapped to the resources below that path.
 */
import { asArray, isRecord, type StackView } from './template';
import type { Acknowledgement } from './types';

const ACK_METADATA = 'aws:cdk:acknowledged-rules';
const CDK_PATH = 'aws:cdk:path';
const LOGICAL_ID = 'aws:cdk:logicalId';

const stripPrefix = (id: string) => id.replace(/^annotation::/i, '');

export function acknowledgementsOf(stack: StackView): Acknowledgement[] {
  const fromTemplate: Acknowledgement[] = [];
  for (const [id, r] of Object.entries(stack.resources)) {
    const nag = r.Metadata?.cdk_nag;
    const rules = isRecord(nag) ? asArray(nag.rules_to_suppress) : [];
    const path = typeof r.Metadata?.[CDK_PATH] === 'string' ? (r.Metadata[CDK_PATH] as string) : undefined;
    for (const rule of rules) {
      if (!isRecord(rule)) continue;
      fromTemplate.push({
        stack: stack.name,
        logicalId: id,
        ...(path !== undefined ? { path } : {}),
        ruleId: stripPrefix(String(rule.id)),
        reason: typeof rule.reason === 'string' ? rule.reason : '',
        source: 'template',
      });
    }
  }
  if (fromTemplate.length > 0) return fromTemplate;

  // Construct path of every resource: the template's aws:cdk:path (CLI synth) or the assembly's logicalId entries.
  const byPath = new Map<string, string>();
  for (const [id, r] of Object.entries(stack.resources)) {
    if (typeof r.Metadata?.[CDK_PATH] === 'string') byPath.set(`/${r.Metadata[CDK_PATH] as string}`, id);
  }
  for (const [path, entries] of Object.entries(stack.metadata)) {
    for (const e of entries) {
      if (e.type === LOGICAL_ID && typeof e.data === 'string' && e.data in stack.resources)
        byPath.set(path, e.data);
    }
  }
  const paths = [...byPath.entries()].map(([path, id]) => [id, path] as const);
  const out: Acknowledgement[] = [];
  for (const [path, entries] of Object.entries(stack.metadata)) {
    const under = paths.filter(([, p]) => p === path || p.startsWith(`${path}/`));
    if (under.length === 0) continue;
    const primary =
      under.find(([, p]) => p === `${path}/Resource`) ?? under.find(([, p]) => p === path) ?? under[0]!;
    for (const entry of entries) {
      if (entry.type !== ACK_METADATA || !isRecord(entry.data)) continue;
      for (const [rule, reason] of Object.entries(entry.data)) {
        out.push({
          stack: stack.name,
          logicalId: primary[0],
          path: path.replace(/^\//, ''),
          ruleId: stripPrefix(rule),
          reason: typeof reason === 'string' ? reason : '',
          source: 'assembly',
        });
      }
    }
  }
  return out;
}
