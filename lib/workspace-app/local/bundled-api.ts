/**
 * The local API's functions as deployed: each API function's handler bundled by esbuild with the
 * options the stack's functions are bundled with (`bundleAllHandlers`, the pinned SDK inside), then
 * loaded from its bundle in its own worker thread whose `process.env` is the environment its config
 * module builds — as a Lambda execution environment has its own — pointed at the local stand-ins.
 * The worker is started once (the cold start, at `startLocalApp`) and serves every call after.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ApiResult } from '../../../lambda/shared/http';
import { API_ROUTES, type ApiFunction } from '../../../lambda/shared/routes';
import { bundleAllHandlers, handlerEntry, PROJECT_ROOT } from '../../constructs/bundling';
import { servingFolders } from '../../docs/route-matrix';
import { closeServer, endpointOf, LOOPBACK, readBody } from '../../local/net';

/**
 * The function folder (lambda/<dir>/handler.ts) of each route group: the one folder with a handler
 * whose code reads the group, as the route reference finds it. A group added to the route table
 * is served locally as soon as its function exists.
 */
export function apiFunctionDirs(): Record<ApiFunction, string> {
  const folders = servingFolders(PROJECT_ROOT);
  return Object.fromEntries(
    (Object.keys(API_ROUTES) as ApiFunction[]).map((fn) => {
      const dirs = (folders[fn] ?? [])
        .map((d) => d.slice('lambda/'.length))
        .filter((d) => existsSync(handlerEntry(d)));
      if (dirs.length !== 1) {
        throw new Error(
          `route group ${fn}: expected one function folder with a handler, got [${dirs.join(', ')}]`,
        );
      }
      return [fn, dirs[0]!];
    }),
  ) as Record<ApiFunction, string>;
}

/** Bundles the handlers of `dirs` into `outdir/<dir>/index.mjs`; returns each bundle's file. */
export function bundleApiFunctions(outdir: string, dirs: readonly string[]): Record<string, string> {
  bundleAllHandlers(outdir, [...new Set(dirs)]);
  return Object.fromEntries(dirs.map((d) => [d, join(outdir, d, 'index.mjs')]));
}

/** One bundled function, loaded in its worker: `invoke` hands it an event and returns its answer. */
export interface BundledFunction {
  /** The bundle file the worker loaded. */
  readonly file: string;
  invoke(event: unknown): Promise<ApiResult>;
  stop(): Promise<void>;
}

// CommonJS run by the worker (eval): imports the bundle, then answers { id, event } messages.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const text = (e) => String((e && e.stack) || e);
import(workerData.href).then((mod) => {
  parentPort.on('message', ({ id, event }) => {
    Promise.resolve()
      .then(() => mod.handler(event))
      .then((result) => parentPort.postMessage({ id, result }), (e) => parentPort.postMessage({ id, error: text(e) }));
  });
  parentPort.postMessage({ ready: true });
}, (e) => parentPort.postMessage({ initError: text(e) }));
`;

/**
 * Loads `file` in a worker with exactly `env` as its environment; resolves once the module has
 * loaded (its configuration parsed, its clients built), rejects with the init error otherwise.
 * The worker's output (the functions' JSON logs) is shown only with `logs`.
 */
export function startBundledFunction(
  file: string,
  env: Readonly<Record<string, string>>,
  options: { logs?: boolean } = {},
): Promise<BundledFunction> {
  const worker = new Worker(WORKER, {
    eval: true,
    env: { ...env },
    workerData: { href: pathToFileURL(file).href },
    stdout: !options.logs,
    stderr: false,
  });
  if (!options.logs) worker.stdout.resume();
  const pending = new Map<number, { resolve: (r: ApiResult) => void; reject: (e: Error) => void }>();
  let next = 0;
  return new Promise((resolve, reject) => {
    worker.on('error', (err) => {
      reject(err);
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    });
    worker.on(
      'message',
      (m: { ready?: true; initError?: string; id?: number; result?: ApiResult; error?: string }) => {
        if (m.initError)
          return reject(new Error(`${relative(PROJECT_ROOT, file)} failed to load: ${m.initError}`));
        if (m.ready) {
          return resolve({
            file,
            invoke(event) {
              const id = ++next;
              return new Promise<ApiResult>((res, rej) => {
                pending.set(id, { resolve: res, reject: rej });
                worker.postMessage({ id, event });
              });
            },
            stop: async () => void (await worker.terminate()),
          });
        }
        const p = pending.get(m.id ?? -1);
        if (!p) return;
        pending.delete(m.id!);
        if (m.error !== undefined) p.reject(new Error(m.error));
        else p.resolve(m.result!);
      },
    );
  });
}

/**
 * A stand-in for the Lambda Invoke API (`POST /2015-03-31/functions/{name}/invocations`), the
 * endpoint of `AWS_ENDPOINT_URL_LAMBDA`: an asynchronous invocation (`X-Amz-Invocation-Type:
 * Event`) is answered 202 at once, as Lambda queues it, and `run` receives the function name and
 * the event just after. Anything else is refused.
 */
export async function startLambdaStandIn(
  run: (functionName: string, event: unknown) => void,
): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const server = createServer((req, res) => {
    const m = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(
      new URL(req.url ?? '/', 'http://l').pathname,
    );
    void readBody(req).then((body) => {
      if (req.method !== 'POST' || !m || req.headers['x-amz-invocation-type'] !== 'Event') {
        res.writeHead(400, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ Type: 'User', message: 'local stand-in: asynchronous Invoke only' }));
      }
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end();
      const name = decodeURIComponent(m[1]!);
      setTimeout(() => run(name, JSON.parse(body || '{}')), 0);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => resolve());
  });
  return { endpoint: endpointOf(server), stop: () => closeServer(server) };
}
