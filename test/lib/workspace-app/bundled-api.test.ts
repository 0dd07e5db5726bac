/**
 * The local run's API is answered by the functions' esbuild bundles, as deployed: every route of
 * the route table reaches the bundle of the function that serves it (the answer names the file),
 * the bundle lies in the local run's build folder with no node_modules folder on its path (nothing
 * it imports can be resolved there), so the pinned SDK it runs is the one esbuild put inside it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES, type ApiFunction } from '../../../lambda/shared/routes';
import { PROJECT_ROOT } from '../../../lib/constructs/bundling';
import { apiFunctionDirs, startLambdaStandIn } from '../../../lib/workspace-app/local/bundled-api';
import { type LocalApp, startLocalApp } from '../../../lib/workspace-app/local/server';

let app: LocalApp;

beforeAll(async () => {
  app = await startLocalApp();
}, 120_000);

afterAll(async () => {
  await app?.stop();
});

const token = async (as: 'agent' | 'coach') =>
  ((await (await fetch(`${app.url}/__local/token?as=${as}`)).json()) as { idToken: string }).idToken;

const PINNED_SDK = (
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  }
).dependencies['@aws-sdk/client-dynamodb']!;

describe('the local API runs the bundled handlers', () => {
  it('finds the serving function folder of each route group (coaching is lambda/plans)', () => {
    expect(apiFunctionDirs()).toEqual({
      privacy: 'privacy',
      playback: 'playback',
      coaching: 'plans',
      views: 'views',
    });
  });

  it('answers every route of the route table from the bundle of the function that serves it', async () => {
    const agent = await token('agent');
    const coach = await token('coach');
    const routes = (
      Object.entries(API_ROUTES) as [
        ApiFunction,
        Record<string, { method: string; path: string; roles: readonly string[] }>,
      ][]
    ).flatMap(([fn, specs]) => Object.values(specs).map((spec) => ({ fn, spec })));
    expect(routes.length).toBeGreaterThan(8);
    for (const { fn, spec } of routes) {
      const path = spec.path.replace(/\{\w+\}/g, '00000000-0000-4000-8000-00000000abcd');
      const res = await fetch(`${app.url}/api${path}`, {
        method: spec.method,
        headers: { authorization: `Bearer ${spec.roles.includes('coach') ? coach : agent}` },
        ...(spec.method === 'POST' ? { body: '{}' } : {}),
      });
      await res.arrayBuffer();
      expect(res.status, `${spec.method} ${spec.path}`).toBeLessThan(500);
      expect(res.headers.get('x-fairlisten-bundle'), `${spec.method} ${spec.path}`).toBe(
        relative(dirname(app.bundleDir), app.bundles[fn]),
      );
    }
  }, 60_000);

  it('loads each bundle from the build folder, where no node_modules is reachable, with the pinned SDK inside', () => {
    for (const [fn, file] of Object.entries(app.bundles)) {
      expect(file.startsWith(app.bundleDir + sep), fn).toBe(true);
      expect(file.startsWith(PROJECT_ROOT), fn).toBe(false);
      // Node resolves a bare specifier in node_modules of the importing file's folder and its ancestors.
      for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
        expect(existsSync(join(dir, 'node_modules')), `${dir}/node_modules`).toBe(false);
      }
      // The pinned SDK is inside the bundle (its package metadata, inlined by esbuild).
      expect(readFileSync(file, 'utf8'), fn).toContain(`"@aws-sdk/client-dynamodb",version:"${PINNED_SDK}"`);
    }
  });
});

describe('the Lambda stand-in', () => {
  it('answers an asynchronous invoke 202 and hands over the event; refuses a synchronous one', async () => {
    const received: [string, unknown][] = [];
    const lambda = await startLambdaStandIn((name, event) => received.push([name, event]));
    try {
      const at = `${lambda.endpoint}/2015-03-31/functions/executor/invocations`;
      const queued = await fetch(at, {
        method: 'POST',
        headers: { 'x-amz-invocation-type': 'Event' },
        body: '{"requestId":"r-1"}',
      });
      expect(queued.status).toBe(202);
      const sync = await fetch(at, { method: 'POST', body: '{"requestId":"r-2"}' });
      expect(sync.status).toBe(400);
      await new Promise((r) => setTimeout(r, 20));
      expect(received).toEqual([['executor', { requestId: 'r-1' }]]);
    } finally {
      await lambda.stop();
    }
  });
});
