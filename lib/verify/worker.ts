/** The packaged command's verification worker (dist/cli/verify-worker.mjs): one job, one answer. */
import { parentPort, workerData } from 'node:worker_threads';
import { runVerifyJob, type VerifyJob } from './parallel';

parentPort?.postMessage(runVerifyJob(workerData as VerifyJob));
