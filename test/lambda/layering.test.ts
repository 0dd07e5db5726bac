import { describe, expect, it } from 'vitest';
import { importSpecifiers, importsOutside, packagesImportedBy, sourceFiles } from '../support/imports';

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
