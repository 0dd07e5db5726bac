/**
 * The published sampling algorithms: one versioned file per version, `docs/compliance/algorithm-v<N>.md`,
 * whose first heading is `# The published algorithm (<version>)` with a version ending in `-v<N>`. A version
 * stays published after a newer one exists, so months decided under it remain verifiable. The report compares
 * the deployed version with these files (ALGORITHM-PUBLISHED) and records each file's SHA-256, so a report
 * names exactly the text it was checked against. Only these files are read: the rest of the docs can change
 * freely without touching the report. The folder is found relative to this module, not the working directory.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SAMPLER_ENV } from '../../lambda/sampler/config';

/** Root of this checkout; file names in the report are relative to it. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The folder that holds the published algorithms. */
export const ALGORITHMS_DIR = fileURLToPath(new URL('../../docs/compliance/', import.meta.url));

/** Name of the sampler environment variable that carries the deployed algorithm version. */
export const ALGORITHM_ENV = SAMPLER_ENV.algorithm;

/** `algorithm-v<N>.md`: one published version per file. */
export const ALGORITHM_FILE = /^algorithm-v(\d+)\.md$/;

const HEADING = /^# The published algorithm \(([^)\s]+)\)[ \t]*$/;

export interface PublishedAlgorithm {
  /** Path of the file, relative to the checkout (`docs/compliance/algorithm-v1.md`). */
  readonly file: string;
  /** 1-based line of the heading. */
  readonly line: number;
  readonly heading: string;
  /** The version in the heading, e.g. `fairlisten-lottery-v1`. */
  readonly version: string;
  /** The whole file, trailing blank lines removed. */
  readonly text: string;
  /** The numbered steps (`1. …`), in order. */
  readonly steps: readonly string[];
  /** SHA-256 (hex) of the file's bytes: the exact text the report was checked against. */
  readonly sha256: string;
}

export interface PublishedAlgorithms {
  /** Every well-formed published version, by file name order (v1, v2, … v10). */
  readonly algorithms: readonly PublishedAlgorithm[];
  /** Files that do not publish a version properly; each one fails the checks that read them. */
  readonly problems: readonly string[];
}

/** Reads one published algorithm from `markdown`; undefined when it has no `# The published algorithm (…)`. */
export function parsePublishedAlgorithm(markdown: string, file: string): PublishedAlgorithm | undefined {
  const lines = markdown.split(/\r?\n/);
  const start = lines.findIndex((l) => HEADING.test(l));
  if (start < 0) return undefined;
  return {
    file,
    line: start + 1,
    heading: lines[start]!,
    version: HEADING.exec(lines[start]!)![1]!,
    text: markdown.trimEnd(),
    steps: lines.filter((l) => /^\d+\.\s/.test(l)),
    sha256: createHash('sha256').update(markdown, 'utf8').digest('hex'),
  };
}

/** The published algorithms among `files`, checking each file name against the version it publishes. */
export function publishedAlgorithmsOf(
  files: ReadonlyArray<{ readonly file: string; readonly markdown: string }>,
): PublishedAlgorithms {
  const algorithms: PublishedAlgorithm[] = [];
  const problems: string[] = [];
  const number = (file: string) =>
    Number(ALGORITHM_FILE.exec(file.split('/').pop() ?? '')?.[1] ?? Number.NaN);
  for (const { file, markdown } of [...files].sort((a, b) => number(a.file) - number(b.file))) {
    const p = parsePublishedAlgorithm(markdown, file);
    if (!p) {
      problems.push(`${file} has no heading "# The published algorithm (<version>)"`);
      continue;
    }
    const n = number(file);
    if (!p.version.endsWith(`-v${n}`)) {
      problems.push(`${file}:${p.line} publishes ${p.version}, whose number is not the file's (v${n})`);
      continue;
    }
    const twin = algorithms.find((a) => a.version === p.version);
    if (twin) {
      problems.push(`${file} publishes ${p.version} again (already in ${twin.file})`);
      continue;
    }
    algorithms.push(p);
  }
  if (algorithms.length === 0 && problems.length === 0)
    problems.push('no published algorithm (docs/compliance/algorithm-v<N>.md)');
  return { algorithms, problems };
}

/** The published algorithms of this checkout (`ALGORITHMS_DIR` unless told otherwise). Throws when unreadable. */
export function readPublishedAlgorithms(dir = ALGORITHMS_DIR): PublishedAlgorithms {
  const files = readdirSync(dir)
    .filter((f) => ALGORITHM_FILE.test(f))
    .map((f) => ({
      file: relative(ROOT, join(dir, f)).split('\\').join('/'),
      markdown: readFileSync(join(dir, f), 'utf8'),
    }));
  return publishedAlgorithmsOf(files);
}
