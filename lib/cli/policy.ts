import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CONFIG_DOC_FILE, renderConfigTable, withConfigTable } from '../policy/config-table';
import { loadPolicy, PolicyError } from '../policy/load';
import { policyJsonSchema } from '../policy/schema';

export const POLICY_SCHEMA_FILE = fileURLToPath(
  new URL('../../recording-policy.schema.json', import.meta.url),
);

/** The operators' configuration page, which holds the generated table. */
export const CONFIG_FILE = fileURLToPath(new URL(`../../${CONFIG_DOC_FILE}`, import.meta.url));

export function renderPolicySchema(): string {
  return `${JSON.stringify(policyJsonSchema(), null, 2)}\n`;
}

const USAGE = `usage: fairlisten policy check [file]      validate a policy file (default recording-policy.json)
       fairlisten policy schema [--write]  print (or write) recording-policy.schema.json
       fairlisten policy table [--write]   print (or write into the configuration docs) the configuration table`;

export async function run(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { write: { type: 'boolean', default: false } },
  });
  const [sub, file] = positionals;
  if (sub === 'schema') {
    if (values.write) {
      writeFileSync(POLICY_SCHEMA_FILE, renderPolicySchema());
      console.log(`wrote ${POLICY_SCHEMA_FILE}`);
    } else {
      process.stdout.write(renderPolicySchema());
    }
    return 0;
  }
  if (sub === 'table') {
    if (values.write) {
      writeFileSync(CONFIG_FILE, withConfigTable(readFileSync(CONFIG_FILE, 'utf8')));
      console.log(`updated the configuration table in ${CONFIG_FILE}`);
    } else {
      console.log(renderConfigTable());
    }
    return 0;
  }
  if (sub === 'check') {
    try {
      const policy = file ? loadPolicy(file) : loadPolicy();
      console.log(JSON.stringify(policy, null, 2));
      return 0;
    } catch (err) {
      if (err instanceof PolicyError) {
        console.error(err.message);
        return 1;
      }
      throw err;
    }
  }
  console.error(USAGE);
  return 2;
}
