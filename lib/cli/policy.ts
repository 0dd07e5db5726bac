import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CONFIG_DOC_FILE, renderConfigTable, withConfigTable } from '../policy/config-table';
import { loadPolicy, PolicyError } from '../policy/load';
import { policyJsonSchema } from '../policy/schema';
import { command, group } from './_command';

export const POLICY_SCHEMA_FILE = fileURLToPath(
  new URL('../../recording-policy.schema.json', import.meta.url),
);

/** The operators' configuration page, which holds the generated table. */
export const CONFIG_FILE = fileURLToPath(new URL(`../../${CONFIG_DOC_FILE}`, import.meta.url));

export function renderPolicySchema(): string {
  return `${JSON.stringify(policyJsonSchema(), null, 2)}\n`;
}

const check = command({
  name: 'policy check',
  usage: `usage: fairlisten policy check [file]
  Validates a recording policy file (default recording-policy.json) against the schema and the
  hard limits, and prints the effective policy. Exit 0 valid, 1 invalid, 2 usage.`,
  positionals: 1,
  async run(_values, [file]) {
    try {
      console.log(JSON.stringify(file ? loadPolicy(file) : loadPolicy(), null, 2));
      return 0;
    } catch (err) {
      if (!(err instanceof PolicyError)) throw err;
      console.error(err.message);
      return 1;
    }
  },
});

const schema = command({
  name: 'policy schema',
  usage: `usage: fairlisten policy schema [--write]
  Prints the JSON Schema of the recording policy; --write writes it to recording-policy.schema.json.`,
  options: { write: { type: 'boolean', default: false } },
  async run(values) {
    if (values.write) {
      writeFileSync(POLICY_SCHEMA_FILE, renderPolicySchema());
      console.log(`wrote ${POLICY_SCHEMA_FILE}`);
    } else process.stdout.write(renderPolicySchema());
    return 0;
  },
});

const table = command({
  name: 'policy table',
  usage: `usage: fairlisten policy table [--write]
  Prints the configuration table generated from the policy schema; --write updates it in the configuration docs.`,
  options: { write: { type: 'boolean', default: false } },
  async run(values) {
    if (values.write) {
      writeFileSync(CONFIG_FILE, withConfigTable(readFileSync(CONFIG_FILE, 'utf8')));
      console.log(`updated the configuration table in ${CONFIG_FILE}`);
    } else console.log(renderConfigTable());
    return 0;
  },
});

export const cli = group({
  name: 'policy',
  summary: 'the recording policy (recording-policy.json)',
  subcommands: {
    check: { summary: 'validate a policy file and print the effective policy', command: check },
    schema: { summary: 'print (or write) recording-policy.schema.json', command: schema },
    table: { summary: 'print (or write into the docs) the configuration table', command: table },
  },
});
export const run = cli.run;
