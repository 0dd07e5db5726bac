/**
 * The verification's second core: a job (`runVerifyJob`) run in a worker thread by the packaged
 * command (dist/cli/verify-worker.mjs), or in this thread when there is no worker entry to start
 * (the sources run through tsx or the tests). Either way the job is the same function, and its
 * result is the same.
 */
import { Worker } from 'node:worker_threads';
import { recordHashesMatch } from './audit-export';
import { cleanDecisionsFile, type VerifyPolicy, type VerifyReport } from './verify';

export type VerifyJob =
  | {
      readonly kind: 'decisions';
      readonly file: string;
      readonly seeds: Record<string, { seed: string; commitment: string }>;
      readonly policy: VerifyPolicy;
    }
  | { readonly kind: 'hashes'; readonly files: readonly string[] };

/** What a job answers: the decisions' report and file hash, or whether the records match their hashes. */
export type VerifyJobResult<J extends VerifyJob = VerifyJob> = J extends { kind: 'decisions' }
  ? { report?: VerifyReport; sha256: string }
  : { ok: boolean; sha256: string[] };

export function runVerifyJob<J extends VerifyJob>(job: J): VerifyJobResult<J> {
  return (
    job.kind === 'decisions'
      ? cleanDecisionsFile(job.file, job.seeds, job.policy)
      : recordHashesMatch(job.files)
  ) as VerifyJobResult<J>;
}

export interface StartedJob<R> {
  readonly result: Promise<R>;
  /** Stops the worker (its result is then never given). */
  cancel(): void;
}

/** Runs `job` in a worker thread when this code runs from the bundle, in this thread otherwise. */
export function startVerifyJob<J extends VerifyJob>(job: J): StartedJob<VerifyJobResult<J>> {
  // Not the one-expression URL form: the bundler points that at the source file (build-cli.mjs).
  const here = import.meta.url;
  if (!here.endsWith('.mjs')) {
    const result = new Promise<VerifyJobResult<J>>((ok) => ok(runVerifyJob(job)));
    return { result, cancel: () => undefined };
  }
  const worker = new Worker(new URL('./verify-worker.mjs', here), { workerData: job });
  const result = new Promise<VerifyJobResult<J>>((ok, fail) => {
    worker.once('message', (r: VerifyJobResult<J>) => ok(r));
    worker.once('error', fail);
    worker.once('exit', (code) => fail(new Error(`the verification worker stopped (exit code ${code})`)));
  });
  return { result, cancel: () => void worker.terminate() };
}
