/**
 * For the tests of a registry a generated doc is rendered from (policy schema, check registry, route table):
 * whoever changes the registry runs those tests, and learns there that the doc needs `npm run docs`.
 */
import { expect } from 'vitest';
import { docStates, GENERATED_DOCS } from '../../lib/docs/generated';

export function expectGeneratedDocFresh(file: string): void {
  const [state] = docStates(
    undefined,
    GENERATED_DOCS.filter((d) => d.file === file),
  );
  expect(state, `${file} is not a generated doc`).toBeDefined();
  expect(
    state!.current === state!.expected,
    `${file} differs from what the code generates: run \`npm run docs\``,
  ).toBe(true);
}
