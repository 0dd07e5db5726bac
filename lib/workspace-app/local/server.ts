/**
 * The workspace app's local run, without AWS: one HTTP server on 127.0.0.1 that serves
 *  - `/`            a stand-in for the agent workspace host page (app/local-host/), which embeds
 *                   the app in an iframe and plays a contact's events through the SDK's channel;
 *  - `/app/`        the built app and a local `config.json`;
 *  - `/api/…`       every route of the route table, answered by the functions' own cores
 *                   (createPrivacyApi, createViews, createPlayback, createCoaching) behind the one
 *                   router, on dynalite, the Connect stand-in and the versioned S3 stand-in;
 *  - `/s3/…`        the S3 stand-in's objects for presigned GETs (the coach's player), refused
 *                   once the URL's `X-Amz-Expires` has passed;
 *  - `/__local/…`   the scenario: a token for a local user, place a call (drawn or not),
 *                   transfer it, end it (the recording is then stored and indexed by ingest).
 *
 * Local-only shortcut: the API Gateway JWT authorizer is not here. A token is an unsigned JWT
 * minted by `/__local/token?as=agent|coach`, and the server hands its claims to the functions as
 * the authorizer would (`requestContext.authorizer.jwt.claims`). Nothing of this is deployed.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { buildSync } from 'esbuild';
import type { RecordingPolicy } from '../../../lambda/core/policy';
import { createCoaching } from '../../../lambda/plans/coaching';
import { createPlayback } from '../../../lambda/playback/playback';
import { createDecisionsLegFinder } from '../../../lambda/privacy/legs';
import { createPrivacyApi } from '../../../lambda/privacy/privacy';
import { createRecordingControl } from '../../../lambda/privacy/recording-control';
import { createAuditRecordingState } from '../../../lambda/privacy/recording-state';
import { applyRequest } from '../../../lambda/shared/apply-request';
import { createAuditLog } from '../../../lambda/shared/audit-log';
import type { ApiEvent, ApiResult } from '../../../lambda/shared/http';
import { reportPolicyOf } from '../../../lambda/shared/report-config';
import { API_ROUTES, type ApiFunction, type RouteSpec } from '../../../lambda/shared/routes';
import { createViews } from '../../../lambda/views/views';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type LocalStack,
  standInClients,
  startLocalStack,
} from '../../local';
import { closeServer, endpointOf, LOOPBACK } from '../../local/net';
import { VersionedS3 } from '../../local/versioned-s3';
import { loadPolicy } from '../../policy/load';
import { APP_SOURCE, buildApp } from '../build';
import { claimsOfLocalToken, LOCAL_USERS, type LocalUser, localToken } from './identity';
import { createScenario, RECORDINGS_BUCKET, type Scenario } from './scenario';

const silent = { info() {}, warn() {}, error() {}, debug() {} };

export interface LocalApp {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly stack: LocalStack;
  readonly scenario: Scenario;
  /** Built app files (for the size figure). */
  readonly appDir: string;
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

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export interface LocalAppOptions {
  /** @default 0 (an OS-chosen port) */
  readonly port?: number;
  /** @default the repository's recording-policy.json */
  readonly policy?: RecordingPolicy;
  /** Delay added to every Connect stand-in answer (ms). @default 0 */
  readonly connectLatencyMs?: number;
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
      users: Object.values(LOCAL_USERS).map((u) => ({ id: u.connectUserId, username: u.username })),
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

    const privacy = createPrivacyApi({
      ddb,
      tables: { requests: tables.requests!, recordings: tables.recordings!, decisions: tables.decisions! },
      identity,
      recordingControl: createRecordingControl({
        connect,
        instanceId,
        findCurrentLeg: createDecisionsLegFinder({ ddb, decisionsTable: tables.decisions! }),
      }),
      // The asynchronous Lambda invoke of the executor: run right after the answer.
      executor: {
        async invoke(requestId) {
          setTimeout(() => void applyRequest(scenario.actionDeps, requestId).catch(() => undefined), 50);
        },
      },
      audit,
      requestRetentionDays: policy.auditRetentionDays,
      recordingState: createAuditRecordingState({ ddb, auditTable: tables.audit! }),
      logger: silent,
    });
    let baseUrl = '';
    const presignClient = () =>
      new S3Client({
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        endpoint: `${baseUrl}/s3`,
        forcePathStyle: true,
      });
    let presigner: S3Client | undefined;
    const presignerOf = (): S3Client => {
      presigner = presigner ?? presignClient();
      return presigner;
    };
    const handlers: Record<ApiFunction, (event: unknown) => Promise<ApiResult>> = {
      privacy: (e) => privacy.handle(e),
      playback: (e) =>
        createPlayback({
          ddb,
          s3: presignerOf(),
          listeningTable: tables.listening!,
          recordingsTable: tables.recordings!,
          bucket: RECORDINGS_BUCKET,
          audit,
          identity,
          urlTtlSeconds: policy.playbackUrlTtlSeconds,
          now: () => new Date(),
          logger: silent,
        })(e),
      coaching: createCoaching({
        ddb,
        plansTable: tables.plans!,
        listeningTable: tables.listening!,
        audit,
        identity,
        limits: {
          maxDays: policy.coachingPlan.maxDays,
          maxExtraListens: policy.coachingPlan.maxExtraListens,
        },
        loadRoster: async () => scenario.roster,
        timezone: policy.timezone,
        auditRetentionDays: policy.auditRetentionDays,
        now: () => new Date(),
        newId: randomUUID,
        logger: silent,
      }),
      views: createViews({
        ddb,
        listeningTable: tables.listening!,
        plansTable: tables.plans!,
        recordingsTable: tables.recordings!,
        requestsTable: tables.requests!,
        decisionsTable: tables.decisions!,
        s3: stack.s3.client,
        identity,
        policy: reportPolicyOf(policy),
        now: () => new Date(),
        logger: silent,
        audit,
        auditTable: tables.audit!,
      }),
    };
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
        const event: ApiEvent = {
          routeKey: `${r.spec.method} ${r.spec.path}`,
          requestContext: { requestId: randomUUID(), ...(claims ? { authorizer: { jwt: { claims } } } : {}) },
          pathParameters: params,
          queryStringParameters: Object.fromEntries(url.searchParams),
          ...(body ? { body } : {}),
        };
        const out = await handlers[r.fn](event);
        res.writeHead(out.statusCode, out.headers);
        res.end(out.body);
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
    baseUrl = url;
    cleanup.push(() => closeServer(server));
    await scenario.seedCoachListens();
    return {
      url,
      stack,
      scenario,
      appDir,
      stop: async () => {
        presigner?.destroy();
        for (const c of cleanup.reverse()) await c();
      },
    };
  } catch (err) {
    for (const c of cleanup.reverse()) await Promise.resolve(c()).catch(() => undefined);
    throw err;
  }
}
