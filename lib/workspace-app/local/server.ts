/**
 * The workspace app's local run, without AWS: one HTTP server on 127.0.0.1 that serves
 *  - `/`            a stand-in for the agent workspace host page (app/local-host/), which embeds
 *                   the app in an iframe and plays a contact's events through the SDK's channel;
 *  - `/app/`        the built app and a local `config.json`;
 *  - `/api/…`       every route of the route table the API construct adds (lambda/shared/routes.ts),
 *                   answered by the function's esbuild bundle as the stack deploys it, each in its
 *                   own worker with the environment its config module builds, pointed at dynalite,
 *                   the Connect stand-in and the S3 stand-ins; the answer names the bundle file in
 *                   `x-fairlisten-bundle`. The privacy function's asynchronous invoke of the
 *                   request executor goes to a Lambda stand-in, which applies the request with the
 *                   executor's core on the in-process versioned S3 stand-in (s3rver has no versions);
 *  - `/s3/…`        the S3 stand-in's objects for presigned GETs (the coach's player), refused
 *                   once the URL's `X-Amz-Expires` has passed;
 *  - `/__local/…`   the scenario: a token for a local user, place a call (drawn or not),
 *                   transfer it, end it (the recording is then stored and indexed by ingest).
 *
 * Local-only shortcut: the API Gateway JWT authorizer is not here. A token is an unsigned JWT
 * minted by `/__local/token?as=agent|coach`, and the server hands its claims to the functions as
 * the authorizer would (`requestContext.authorizer.jwt.claims` of an HTTP API payload 2.0 event).
 * Nothing of this is deployed.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, relative } from 'node:path';
import { buildSync } from 'esbuild';
import type { RecordingPolicy } from '../../../lambda/core/policy';
import { coachingEnvironment } from '../../../lambda/plans/config';
import { playbackEnvironment } from '../../../lambda/playback/config';
import { privacyEnvironment } from '../../../lambda/privacy/config';
import { applyRequest } from '../../../lambda/shared/apply-request';
import { auditEnvironment } from '../../../lambda/shared/audit-config';
import { createAuditLog } from '../../../lambda/shared/audit-log';
import { DEFAULT_COACH_GROUP_NAME, listeningPolicyOf } from '../../../lambda/shared/listening-config';
import { reportPolicyOf } from '../../../lambda/shared/report-config';
import { API_ROUTES, type ApiFunction, type RouteSpec } from '../../../lambda/shared/routes';
import { viewsEnvironment } from '../../../lambda/views/config';
import { type LocalStack, standInClients, startLocalStack } from '../../local';
import { closeServer, endpointOf, LOOPBACK, readBody } from '../../local/net';
import { VersionedS3 } from '../../local/versioned-s3';
import { loadPolicy } from '../../policy/load';
import { APP_SOURCE, buildApp } from '../build';
import {
  apiFunctionDirs,
  type BundledFunction,
  bundleApiFunctions,
  startBundledFunction,
  startLambdaStandIn,
} from './bundled-api';
import { claimsOfLocalToken, LOCAL_USERS, type LocalUser, localToken } from './identity';
import { createScenario, RECORDINGS_BUCKET, rosterSeed, type Scenario } from './scenario';

/** The executor's function name in the privacy function's environment (the Lambda stand-in's one function). */
const EXECUTOR_FUNCTION = 'fairlisten-recording-actions-local';
/** Plays per assigned listen: the listening service's default. */
const PLAYS_PER_LISTEN = 2;

export interface LocalApp {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly stack: LocalStack;
  readonly scenario: Scenario;
  /** Built app files (for the size figure). */
  readonly appDir: string;
  /** Where the API functions' bundles were built. */
  readonly bundleDir: string;
  /** The bundle file that answers each route group. */
  readonly bundles: Readonly<Record<ApiFunction, string>>;
  stop(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

function routeMatcher(spec: RouteSpec) {
  const names: string[] = [];
  const pattern = new RegExp(
    `^${spec.path.replace(/\{(\w+)\}/g, (_, n: string) => {
      names.push(n);
      return '([^/]+)';
    })}$`,
  );
  return (method: string, path: string) => {
    if (method !== spec.method) return undefined;
    const m = pattern.exec(path);
    if (!m) return undefined;
    return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
  };
}

export interface LocalAppOptions {
  /** @default 0 (an OS-chosen port) */
  readonly port?: number;
  /** @default the repository's recording-policy.json */
  readonly policy?: RecordingPolicy;
  /** Delay added to every Connect stand-in answer (ms). @default 0 */
  readonly connectLatencyMs?: number;
  /** Show the functions' own logs (JSON lines) on stdout. @default false */
  readonly functionLogs?: boolean;
}

/** Starts the stand-ins, seeds them, builds the app and serves it all. */
export async function startLocalApp(options: LocalAppOptions = {}): Promise<LocalApp> {
  const policy = options.policy ?? loadPolicy();
  const identity = {
    groupsClaim: policy.identity.groupsClaim,
    connectUserClaim: policy.identity.connectUserClaim,
    groups: policy.identity.groups,
  };
  const instanceId = randomUUID();
  const stack = await startLocalStack({
    buckets: ['fairlisten-transparency-local'],
    connectState: {
      instanceId,
      ...rosterSeed(policy.connect.teamHierarchyLevel, DEFAULT_COACH_GROUP_NAME),
    },
    connectOptions: options.connectLatencyMs ? { latencyMs: options.connectLatencyMs } : {},
  });
  const out = mkdtempSync(join(tmpdir(), 'fairlisten-app-'));
  const cleanup: (() => Promise<void> | void)[] = [
    () => stack.stop(),
    () => rmSync(out, { recursive: true, force: true }),
  ];
  try {
    const appDir = buildApp(join(out, 'app')).dir;
    buildSync({
      entryPoints: [join(APP_SOURCE, 'local-host/host.ts')],
      outfile: join(out, 'host.js'),
      bundle: true,
      format: 'esm',
      platform: 'browser',
      logLevel: 'silent',
    });
    const { ddb, connect } = standInClients(stack);
    cleanup.push(() => connect.destroy());
    const s3 = new VersionedS3(RECORDINGS_BUCKET);
    const tables = stack.tables as Record<string, string>;
    const audit = createAuditLog({
      client: ddb,
      tableName: tables.audit!,
      retentionDays: policy.auditRetentionDays,
    });
    const scenario = createScenario({
      ddb,
      tables,
      s3,
      audit,
      policy,
      standIn: stack.connect.standIn,
      connect,
      instanceId,
    });

    // The privacy function queues the executor with an asynchronous Lambda invoke.
    const lambda = await startLambdaStandIn((name, event) => {
      const requestId = (event as { requestId?: unknown }).requestId;
      if (name !== EXECUTOR_FUNCTION || typeof requestId !== 'string') return;
      void applyRequest(scenario.actionDeps, requestId).catch(() => undefined);
    });
    cleanup.push(() => lambda.stop());
    const bundleDir = join(out, 'bundles');
    const dirs = apiFunctionDirs();
    const files = bundleApiFunctions(bundleDir, Object.values(dirs));
    const bundles = Object.fromEntries(
      (Object.keys(dirs) as ApiFunction[]).map((fn) => [fn, files[dirs[fn]]!]),
    ) as Record<ApiFunction, string>;
    // Answered once every function has loaded (requests wait for the cold starts).
    let setFunctions: (f: Record<ApiFunction, BundledFunction>) => void = () => undefined;
    const functions = new Promise<Record<ApiFunction, BundledFunction>>((resolve) => {
      setFunctions = resolve;
    });
    const routes = (Object.entries(API_ROUTES) as [ApiFunction, Record<string, RouteSpec>][]).flatMap(
      ([fn, specs]) => Object.values(specs).map((spec) => ({ fn, spec, match: routeMatcher(spec) })),
    );
    const config = {
      apiBaseUrl: '/api',
      auth: { type: 'local', tokenUrl: '/__local/token' },
      identity: {
        groupsClaim: identity.groupsClaim,
        groups: { agent: identity.groups.agent, coach: identity.groups.coach },
      },
    };

    const send = (res: ServerResponse, status: number, body: string | Buffer, type = TYPES['.json']!) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };

    async function api(req: IncomingMessage, res: ServerResponse, url: URL) {
      const path = url.pathname.slice('/api'.length);
      for (const r of routes) {
        const params = r.match(req.method ?? 'GET', path);
        if (!params) continue;
        const body = await readBody(req);
        const claims = claimsOfLocalToken(req.headers.authorization);
        const query = Object.fromEntries(url.searchParams);
        const headers = Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
        );
        // An HTTP API payload 2.0 event, as API Gateway sends it after the JWT authorizer.
        const event = {
          version: '2.0',
          routeKey: `${r.spec.method} ${r.spec.path}`,
          rawPath: path,
          rawQueryString: url.searchParams.toString(),
          headers,
          requestContext: {
            accountId: '000000000000',
            apiId: 'local',
            domainName: url.host,
            http: {
              method: r.spec.method,
              path,
              protocol: 'HTTP/1.1',
              sourceIp: LOOPBACK,
              userAgent: headers['user-agent'] ?? '',
            },
            requestId: randomUUID(),
            routeKey: `${r.spec.method} ${r.spec.path}`,
            stage: '$default',
            time: new Date().toUTCString(),
            timeEpoch: Date.now(),
            ...(claims ? { authorizer: { jwt: { claims, scopes: null } } } : {}),
          },
          pathParameters: params,
          ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
          ...(body ? { body } : {}),
          isBase64Encoded: false,
        };
        const fn = (await functions)[r.fn];
        const answer = await fn.invoke(event);
        res.writeHead(answer.statusCode, {
          ...answer.headers,
          'x-fairlisten-bundle': relative(out, fn.file),
        });
        res.end(answer.body);
        return;
      }
      send(res, 404, JSON.stringify({ error: { code: 'route-not-found', message: 'no such route' } }));
    }

    /** A presigned GET of the S3 stand-in: expiry checked, Range honoured. */
    function s3Get(req: IncomingMessage, res: ServerResponse, url: URL) {
      const [, , bucket, ...rest] = url.pathname.split('/');
      const key = rest.map(decodeURIComponent).join('/');
      const date = url.searchParams.get('X-Amz-Date') ?? '';
      const expires = Number(url.searchParams.get('X-Amz-Expires'));
      const signedAt = Date.parse(
        date.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'),
      );
      if (
        bucket !== RECORDINGS_BUCKET ||
        !url.searchParams.get('X-Amz-Signature') ||
        Number.isNaN(signedAt)
      ) {
        return send(res, 403, '<Error><Code>AccessDenied</Code></Error>', 'application/xml');
      }
      if (!Number.isFinite(expires) || Date.now() > signedAt + expires * 1000) {
        return send(
          res,
          403,
          '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>',
          'application/xml',
        );
      }
      const current = s3.versions(key).at(-1);
      if (!current || current.isDeleteMarker)
        return send(res, 404, '<Error><Code>NoSuchKey</Code></Error>', 'application/xml');
      const body = current.body;
      const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
      const headers = {
        'content-type': url.searchParams.get('response-content-type') ?? 'application/octet-stream',
        'accept-ranges': 'bytes',
        'cache-control': 'no-store',
      };
      if (range) {
        const start = Number(range[1]);
        const end = Math.min(range[2] ? Number(range[2]) : body.length - 1, body.length - 1);
        res.writeHead(206, {
          ...headers,
          'content-range': `bytes ${start}-${end}/${body.length}`,
          'content-length': end - start + 1,
        });
        return res.end(body.subarray(start, end + 1));
      }
      res.writeHead(200, { ...headers, 'content-length': body.length });
      res.end(body);
    }

    async function local(req: IncomingMessage, res: ServerResponse, url: URL) {
      const step = url.pathname.slice('/__local/'.length);
      const input =
        req.method === 'POST' ? (JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>) : {};
      const ok = (v: unknown) => send(res, 200, JSON.stringify(v));
      switch (step) {
        case 'token': {
          const as = (url.searchParams.get('as') ?? 'agent') as LocalUser;
          if (!(as in LOCAL_USERS)) return send(res, 400, JSON.stringify({ error: 'as=agent or as=coach' }));
          return ok({ idToken: localToken(LOCAL_USERS[as], identity), expiresIn: 3600 });
        }
        case 'call':
          return ok(await scenario.placeCall(input.drawn !== false));
        case 'transfer':
          return ok(await scenario.transfer(String(input.contactId)));
        case 'end':
          return ok(await scenario.endCall(String(input.contactId)));
        case 'recording':
          return ok(stack.connect.standIn.recording(String(url.searchParams.get('contactId'))));
        case 'listens':
          return ok(scenario.listens);
        default:
          return send(res, 404, JSON.stringify({ error: 'unknown step' }));
      }
    }

    const hostHtml = readFileSync(join(APP_SOURCE, 'local-host/host.html'));
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://local');
      const p = url.pathname;
      const run = async () => {
        if (p === '/' || p === '/index.html') return send(res, 200, hostHtml, TYPES['.html']);
        if (p === '/host.js') return send(res, 200, readFileSync(join(out, 'host.js')), TYPES['.js']);
        if (p === '/app/config.json') return send(res, 200, JSON.stringify(config));
        if (p === '/app') {
          res.writeHead(302, { location: '/app/' });
          return res.end();
        }
        if (p.startsWith('/app/')) {
          const file = p === '/app/' ? 'index.html' : p.slice('/app/'.length);
          if (!/^[\w.-]+$/.test(file)) return send(res, 404, 'not found', 'text/plain');
          try {
            return send(
              res,
              200,
              readFileSync(join(appDir, file)),
              TYPES[extname(file)] ?? 'application/octet-stream',
            );
          } catch {
            return send(res, 404, 'not found', 'text/plain');
          }
        }
        if (p.startsWith('/api/')) return api(req, res, url);
        if (p.startsWith('/s3/')) return s3Get(req, res, url);
        if (p.startsWith('/__local/')) return local(req, res, url);
        send(res, 404, 'not found', 'text/plain');
      };
      run().catch((err: unknown) => send(res, 500, JSON.stringify({ error: String(err) })));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, LOOPBACK, () => resolve());
    });
    const url = endpointOf(server);
    cleanup.push(() => closeServer(server));

    // Each function's environment as its construct sets it (config modules, AuditLog.bindWriter's
    // audit variables, FairlistenFunction's logging ones), pointed at the stand-ins.
    const roster = {
      instanceId,
      teamLevel: policy.connect.teamHierarchyLevel,
      coachGroupName: DEFAULT_COACH_GROUP_NAME,
    };
    const environments: Record<ApiFunction, Record<string, string>> = {
      privacy: {
        ...privacyEnvironment(
          {
            requestsTable: tables.requests!,
            recordingsTable: tables.recordings!,
            decisionsTable: tables.decisions!,
            executorFunctionName: EXECUTOR_FUNCTION,
            connectInstanceId: instanceId,
          },
          policy.identity,
        ),
        AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
      },
      playback: {
        ...playbackEnvironment(
          {
            listeningTable: tables.listening!,
            recordingsTable: tables.recordings!,
            bucket: RECORDINGS_BUCKET,
          },
          { playbackUrlTtlSeconds: policy.playbackUrlTtlSeconds, identity: policy.identity },
        ),
        // The URLs it signs point at this server's `/s3/`, which serves the recordings' versions.
        AWS_ENDPOINT_URL_S3: `${url}/s3`,
      },
      coaching: coachingEnvironment(
        { plansTable: tables.plans!, listeningTable: tables.listening!, roster },
        { timezone: policy.timezone, coachingPlan: policy.coachingPlan, identity: policy.identity },
      ),
      views: viewsEnvironment(
        {
          listeningTable: tables.listening!,
          plansTable: tables.plans!,
          policy: listeningPolicyOf(policy, PLAYS_PER_LISTEN),
          roster,
          recordingsTable: tables.recordings!,
          requestsTable: tables.requests!,
          decisionsTable: tables.decisions!,
          reportPolicy: reportPolicyOf(policy),
        },
        policy.identity,
      ),
    };
    const auditEnv = auditEnvironment({ table: tables.audit!, retentionDays: policy.auditRetentionDays });
    const started = await Promise.allSettled(
      (Object.keys(bundles) as ApiFunction[]).map(async (fn) => {
        const f = await startBundledFunction(
          bundles[fn],
          {
            ...stack.env,
            POWERTOOLS_SERVICE_NAME: `fairlisten-${fn}`,
            POWERTOOLS_LOG_LEVEL: 'INFO',
            // The SDK warns about this machine's Node version, not the Lambda runtime's: said once
            // by this process, not again by each function.
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
            ...auditEnv,
            ...environments[fn],
          },
          { logs: options.functionLogs },
        );
        cleanup.push(() => f.stop());
        return [fn, f] as const;
      }),
    );
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    setFunctions(
      Object.fromEntries(
        started.map((r) => (r as PromiseFulfilledResult<readonly [ApiFunction, BundledFunction]>).value),
      ) as Record<ApiFunction, BundledFunction>,
    );
    await scenario.seedCoachListens();
    return {
      url,
      stack,
      scenario,
      appDir,
      bundleDir,
      bundles,
      stop: async () => {
        for (const c of cleanup.reverse()) await c();
      },
    };
  } catch (err) {
    for (const c of cleanup.reverse()) await Promise.resolve(c()).catch(() => undefined);
    throw err;
  }
}
