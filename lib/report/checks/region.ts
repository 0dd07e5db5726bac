/** Every stack is deployed in an EU region where Amazon Connect exists, and no resource reaches another (C3). */
import { ALLOWED_REGIONS } from '../../policy/schema';
import { isRecord, type StackView } from '../template';
import type { Check } from '../types';
import { ev, Findings } from './helpers';

const REGION =
  /\b(?:af|ap|ca|cn|eu|il|me|mx|sa|us|us-gov|us-iso|us-isob)-(?:north|south|east|west|central|northeast|southeast|northwest|southwest)-\d\b/g;

/** Every string of `node` with the path where it sits. */
function* strings(node: unknown, path: string): Generator<[string, string]> {
  if (typeof node === 'string') yield [path, node];
  else if (Array.isArray(node)) for (const [i, v] of node.entries()) yield* strings(v, `${path}[${i}]`);
  else if (isRecord(node))
    for (const [k, v] of Object.entries(node)) yield* strings(v, path ? `${path}.${k}` : k);
}

/** Regions named anywhere in the resources' properties other than the stack's own. */
export function foreignRegions(
  stack: StackView,
): Array<{ logicalId: string; property: string; value: string; regions: string[] }> {
  const out: Array<{ logicalId: string; property: string; value: string; regions: string[] }> = [];
  for (const [id, r] of Object.entries(stack.resources)) {
    for (const [path, text] of strings(r.Properties, 'Properties')) {
      const regions = [...new Set(text.match(REGION) ?? [])].filter((x) => x !== stack.region);
      if (regions.length > 0)
        out.push({
          logicalId: id,
          property: path,
          value: text.length > 200 ? `${text.slice(0, 200)}…` : text,
          regions,
        });
    }
  }
  return out;
}

export const regionEu: Check = {
  id: 'REGION-EU',
  title: 'Every stack is in an allowed EU region with Amazon Connect, and no resource names another region',
  concern: 'C3',
  run: (ctx) => {
    const f = new Findings();
    for (const stack of ctx.stacks) {
      f.add(ev(stack, '(stack)', 'manifest environment region', stack.region));
      if (!ALLOWED_REGIONS.includes(stack.region)) {
        f.problem(`stack ${stack.name} is in ${stack.region}; allowed: ${ALLOWED_REGIONS.join(', ')}`);
      }
      const policyRegion = stack.policy?.region;
      if (policyRegion !== undefined && policyRegion !== stack.region) {
        f.problem(
          `stack ${stack.name} is in ${stack.region} but its policy metadata says ${String(policyRegion)}`,
        );
        f.add(ev(stack, '(stack)', 'Metadata.fairlisten:policy.region', policyRegion));
      }
      for (const x of foreignRegions(stack)) {
        f.problem(`${x.logicalId} ${x.property} names ${x.regions.join(', ')}, outside ${stack.region}`);
        f.add(ev(stack, x.logicalId, x.property, x.value));
      }
    }
    return { ...f, summary: `regions: ${[...new Set(ctx.stacks.map((s) => s.region))].join(', ')}` };
  },
};
