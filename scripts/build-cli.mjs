/**
 * Builds the `fairlisten` command line into dist/cli/ with esbuild: one small entry that loads
 * each command's chunk only when it runs (code splitting on the command table's imports), npm
 * packages left to node_modules. Writes dist/cli/inputs.json (the sources it was built from) so
 * that bin/fairlisten.mjs rebuilds when one of them changed.
 *
 * Concurrent builds are safe: chunks are content-named and every file is written to a temporary
 * name and renamed, the entry and inputs.json last.
 */
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const OUT_DIR = join(ROOT, 'dist', 'cli');
export const ENTRY = join(OUT_DIR, 'fairlisten.mjs');
export const INPUTS = join(OUT_DIR, 'inputs.json');

/**
 * Modules find files next to their source (`new URL('../../x', import.meta.url)`): in the bundle,
 * give each one its own source URL instead of the chunk's.
 */
const sourceUrls = {
  name: 'source-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes('node_modules')) return undefined;
      const text = readFileSync(args.path, 'utf8');
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: text.replace(/,\s*import\.meta\.url\s*\)/g, `, ${url})`), loader: 'ts' };
    });
  },
};

function writeAtomically(file, contents) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, file);
}

/** Worker thread entries, each started (by its file name, next to the chunks) from one module. */
const WORKERS = {
  'verify-worker': { source: 'lib/verify/worker.ts', startedBy: 'lib/verify/parallel.ts' },
};

/**
 * For each command (a chunk loaded from the command table, lib/cli/<command>.ts), the sources of
 * what running it loads: the entry, the command's chunk, what they import (dynamic imports too)
 * and the worker entries. bin/fairlisten.mjs checks only these before running that command, so
 * `redact` does not stat the sources of every other command first.
 */
function commandInputs(metafile) {
  const outputs = metafile.outputs;
  const key = (file) => relative(ROOT, file).split('\\').join('/');
  // The entry's dynamic imports are the command table: another command's code is not loaded.
  const closure = (start, into, dynamic = true) => {
    const todo = [start];
    while (todo.length > 0) {
      const out = todo.pop();
      if (into.outputs.has(out) || !outputs[out]) continue;
      into.outputs.add(out);
      for (const input of Object.keys(outputs[out].inputs))
        into.inputs.add(relative(ROOT, join(ROOT, input)));
      for (const i of outputs[out].imports) {
        if (!i.external && (dynamic || i.kind !== 'dynamic-import')) todo.push(i.path);
      }
    }
    return into;
  };
  const entry = key(ENTRY);
  const commands = {};
  for (const [out, o] of Object.entries(outputs)) {
    const m = /^lib\/cli\/([a-z][a-z-]*)\.ts$/.exec(o.entryPoint ?? '');
    if (!m) continue;
    const into = closure(out, closure(entry, { outputs: new Set(), inputs: new Set() }, false));
    for (const [name, w] of Object.entries(WORKERS)) {
      if (into.inputs.has(w.startedBy)) closure(key(join(OUT_DIR, `${name}.mjs`)), into);
    }
    commands[m[1]] = [...into.inputs].sort();
  }
  return commands;
}

export async function buildCli() {
  const result = await build({
    // Paths in the metafile are relative to this directory: the package, whatever the caller's cwd.
    absWorkingDir: ROOT,
    entryPoints: {
      fairlisten: join(ROOT, 'lib/cli/_run.ts'),
      ...Object.fromEntries(Object.entries(WORKERS).map(([name, w]) => [name, join(ROOT, w.source)])),
    },
    outdir: OUT_DIR,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    metafile: true,
    write: false,
    logLevel: 'error',
    plugins: [sourceUrls],
  });
  mkdirSync(OUT_DIR, { recursive: true });
  const entry = result.outputFiles.find((f) => f.path === ENTRY);
  const written = new Set([ENTRY, INPUTS]);
  for (const f of result.outputFiles) {
    written.add(f.path);
    if (f !== entry) writeAtomically(f.path, f.contents);
  }
  const inputs = Object.keys(result.metafile.inputs).map((p) => relative(ROOT, join(ROOT, p)));
  writeAtomically(ENTRY, entry.contents);
  writeAtomically(
    INPUTS,
    `${JSON.stringify({ root: ROOT, inputs, commands: commandInputs(result.metafile) }, null, 1)}\n`,
  );
  // Chunks of older builds: removed once no process can still be loading them.
  for (const name of readdirSync(OUT_DIR)) {
    const file = join(OUT_DIR, name);
    if (!written.has(file) && Date.now() - statSync(file).mtimeMs > 10 * 60_000) unlinkSync(file);
  }
  return { entry: ENTRY, files: written.size };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = performance.now();
  const { entry } = await buildCli();
  console.log(`built ${relative(process.cwd(), entry)} in ${Math.round(performance.now() - t0)} ms`);
}
