import { describe, expect, it } from 'vitest';
import {
  crossFunctionImports,
  importSpecifiers,
  importsOutside,
  packagesImportedBy,
  sourceFiles,
} from '../support/imports';

// The functions are deployed from lambda/ alone: infrastructure and tooling (lib/) depend on the
// runtime, never the other way round, and the pure core loads no AWS SDK.
describe('lambda/ layering', () => {
  const files = sourceFiles('lambda');

  it('finds the sources it checks', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files).toContain('lambda/core/policy.ts');
  });

  it('imports nothing from outside lambda/ (lib/ included)', () => {
    const offenders = files.flatMap((f) => importsOutside(f, 'lambda').map((t) => `${f} → ${t}`));
    expect(offenders).toEqual([]);
  });

  it('keeps the core free of the AWS SDK', () => {
    const offenders = sourceFiles('lambda/core').flatMap((f) =>
      [...packagesImportedBy(f).keys()].filter((p) => p.startsWith('@aws-sdk/')).map((p) => `${f} → ${p}`),
    );
    expect(offenders).toEqual([]);
  });

  it('would catch each form of import that crosses into lib/', () => {
    const sources = [
      "import type { RecordingPolicy } from '../../lib/policy/schema';",
      "import { x } from '../../lib/a';",
      "export { y } from '../../lib/b';",
      "export * from '../../lib/c';",
      "const m = await import('../../lib/d');",
      "import {\n  a,\n  b,\n} from '../../lib/e';",
      "import '../../lib/f';",
    ];
    for (const source of sources) {
      expect(importsOutside('lambda/sampler/config.ts', 'lambda', source), source).toHaveLength(1);
    }
    const sibling = '../core/policy';
    expect(importsOutside('lambda/sampler/config.ts', 'lambda', `import { a } from '${sibling}';`)).toEqual(
      [],
    );
    expect(importSpecifiers("import { z } from 'zod';")).toEqual(['zod']);
  });
});

// Each function is bundled from its own folder plus what it shares: a function folder that imports
// another one couples two deployables and hides a shared contract in one of them.
describe('lambda/ function folders', () => {
  it('import only their own files, lambda/shared and lambda/core; shared only core; core only itself', () => {
    const offenders = sourceFiles('lambda').flatMap((f) => crossFunctionImports(f).map((t) => `${f} → ${t}`));
    expect(offenders).toEqual([]);
  });

  it('would catch a function importing another, shared importing a function, core importing shared', () => {
    const other = '../assignment/assign';
    expect(crossFunctionImports('lambda/views/views.ts', `import { a } from '${other}';`)).toEqual([
      'lambda/assignment/assign',
    ]);
    const fromShared = '../recording-actions/handler';
    expect(
      crossFunctionImports('lambda/shared/x.ts', `import type { A } from '${fromShared}';`),
    ).toHaveLength(1);
    const fromCore = '../shared/dynamo';
    expect(crossFunctionImports('lambda/core/x.ts', `export { q } from '${fromCore}';`)).toHaveLength(1);
    const fine = ['./views', '../shared/http', '../core/period'].map((s) => `import { a } from '${s}';`);
    expect(crossFunctionImports('lambda/views/handler.ts', fine.join('\n'))).toEqual([]);
  });
});
