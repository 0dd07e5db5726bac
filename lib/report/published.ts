/**
 * What the README publishes as the sampling algorithm: the section `## The published algorithm (<version>)`.
 * The report compares its version with the one the template deploys (ALGORITHM-PUBLISHED). The README is
 * found relative to this module, not the working directory, so the report reads the README of the code
 * that synthesized the template wherever it is run from.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The README of this checkout. */
export const README_PATH = fileURLToPath(new URL('../../README.md', import.meta.url));

/** Name of the sampler environment variable that carries the deployed algorithm version. */
export const ALGORITHM_ENV = 'FAIRLISTEN_ALGORITHM';

const HEADING = /^## The published algorithm \(([^)\s]+)\)[ \t]*$/;

export interface PublishedAlgorithm {
  readonly file: string;
  /** 1-based line of the heading. */
  readonly line: number;
  readonly heading: string;
  /** The version in the heading, e.g. `fairlisten-lottery-v1`. */
  readonly version: string;
  /** The section, heading included, up to the next `## ` heading. */
  readonly text: string;
  /** The numbered steps of the section (`1. …`), in order. */
  readonly steps: readonly string[];
}

/** Reads the published algorithm from `markdown`; undefined when the README has no such section. */
export function parsePublishedAlgorithm(
  markdown: string,
  file = README_PATH,
): PublishedAlgorithm | undefined {
  const lines = markdown.split(/\r?\n/);
  const start = lines.findIndex((l) => HEADING.test(l));
  if (start < 0) return undefined;
  let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  if (end < 0) end = lines.length;
  const section = lines.slice(start, end);
  return {
    file,
    line: start + 1,
    heading: lines[start]!,
    version: HEADING.exec(lines[start]!)![1]!,
    text: section.join('\n').trimEnd(),
    steps: section.filter((l) => /^\d+\.\s/.test(l)),
  };
}

/** The README's published algorithm (`README_PATH` unless told otherwise). Throws when unreadable. */
export function readPublishedAlgorithm(file = README_PATH): PublishedAlgorithm | undefined {
  return parsePublishedAlgorithm(readFileSync(file, 'utf8'), file);
}
