/**
 * `fairlisten redact verify-proof --file <downloaded.wav> --proof <proof.json> [--key <s3 key>]`
 *
 * Checks a downloaded redacted recording against the proof of its redaction, offline: each part's
 * SHA-256 against the one S3 computed when the part was written or copied, and S3's composite
 * object checksum against those part checksums (or, for a file written in one piece, the whole
 * file's SHA-256). Node built-ins and one pure core module only.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { type ProofPart, proofShapeProblems } from '../../lambda/core/part-proof';
import { command, UsageError } from './_command';

const USAGE = `usage: fairlisten redact verify-proof --file <downloaded.wav> --proof <proof.json> [--key <key>]
  Checks a downloaded redacted recording against its redaction proof, offline.
  The proof file is GET /requests/{id}'s answer, its "proof", or one "replaced" entry;
  --key picks the entry when the proof replaced several objects.
  Exit 0 the file is the one the proof describes, 1 it is not (or the proof is unusable), 2 usage.`;

interface Entry {
  key?: string;
  newVersionId?: string;
  sha256?: string;
  checksumSHA256?: string;
  parts?: ProofPart[];
}

class ProofFileError extends Error {}

function pickEntry(json: unknown, key: string | undefined): Entry {
  const obj = (json ?? {}) as { proof?: unknown; replaced?: unknown };
  const proof = (obj.proof ?? obj) as { replaced?: unknown };
  if (!Array.isArray(proof.replaced)) {
    const e = proof as Entry;
    if (e.parts || e.sha256) return e;
    throw new ProofFileError('it holds no "replaced" entry, parts or sha256');
  }
  const entries = proof.replaced as Entry[];
  const found = key === undefined ? entries : entries.filter((e) => e.key === key);
  if (found.length === 1) return found[0]!;
  if (found.length === 0) {
    throw new ProofFileError(
      key === undefined ? 'it replaced no object' : `it replaced no object with key ${JSON.stringify(key)}`,
    );
  }
  throw new ProofFileError(`it replaced ${found.length} objects: name one with --key`);
}

async function sha256OfRange(file: string, start: number, end: number): Promise<Buffer> {
  const hash = createHash('sha256');
  if (end > start)
    for await (const chunk of createReadStream(file, { start, end: end - 1 })) hash.update(chunk);
  return hash.digest();
}

/** Every way the file differs from the proof (empty: it is the proven file). */
export async function proofProblems(file: string, entry: Entry): Promise<string[]> {
  const size = (await stat(file)).size;
  if (entry.parts && entry.checksumSHA256) {
    if (!Array.isArray(entry.parts)) return ['"parts" is not a list'];
    const shape = proofShapeProblems(entry.parts, String(entry.checksumSHA256), size);
    if (shape.length > 0) return shape;
    const problems: string[] = [];
    for (const [i, p] of entry.parts.entries()) {
      const actual = (await sha256OfRange(file, p.start, p.end)).toString('base64');
      if (actual !== p.sha256) {
        problems.push(
          `part ${i + 1} (bytes ${p.start}-${p.end}): SHA-256 ${actual}, the proof says ${p.sha256}`,
        );
      }
    }
    return problems;
  }
  if (typeof entry.sha256 === 'string') {
    const actual = (await sha256OfRange(file, 0, size)).toString('hex');
    return actual === entry.sha256 ? [] : [`SHA-256 ${actual}, the proof says ${entry.sha256}`];
  }
  return ['the proof entry has neither parts with a composite checksum nor a sha256'];
}

export const cli = command({
  name: 'redact verify-proof',
  usage: USAGE,
  options: { file: { type: 'string' }, proof: { type: 'string' }, key: { type: 'string' } },
  async run(values) {
    const file = values.file as string | undefined;
    const proofPath = values.proof as string | undefined;
    if (!file || !proofPath) throw new UsageError('both --file and --proof are required');
    let entry: Entry;
    try {
      entry = pickEntry(JSON.parse(await readFile(proofPath, 'utf8')), values.key as string | undefined);
    } catch (err) {
      if (err instanceof ProofFileError || err instanceof SyntaxError || (err as { code?: string }).code) {
        console.error(`fairlisten redact verify-proof: ${proofPath}: ${(err as Error).message}`);
        return 1;
      }
      throw err;
    }
    let problems: string[];
    try {
      problems = await proofProblems(file, entry);
    } catch (err) {
      if ((err as { code?: string }).code) {
        console.error(`fairlisten redact verify-proof: ${file}: ${(err as Error).message}`);
        return 1;
      }
      throw err;
    }
    const what = `${entry.key ?? 'the object'}${entry.newVersionId ? ` version ${entry.newVersionId}` : ''}`;
    if (problems.length > 0) {
      console.error(
        `fairlisten redact verify-proof: ${file} is NOT the file the proof of ${what} describes:`,
      );
      for (const p of problems) console.error(`  ${p}`);
      return 1;
    }
    const how = entry.parts
      ? `${entry.parts.length} part checksums and the composite ${entry.checksumSHA256}`
      : `SHA-256 ${entry.sha256}`;
    console.log(`verified ${file}: it is ${what} as the proof describes (${how})`);
    return 0;
  },
});
export const run = cli.run;
