import { describe, expect, it } from 'vitest';
import { API_ROUTES, type RouteSpec } from '../../../lambda/shared/routes';
import { ROOT } from '../../../lib/docs/generated';
import { renderRouteMatrix, servingFolders } from '../../../lib/docs/route-matrix';
import { scratchRepos } from '../../support/scratch-repo';

const repo = scratchRepos('routes');

describe('the route matrix', () => {
  const matrix = renderRouteMatrix(ROOT);
  const row = (r: RouteSpec) => matrix.split('\n').find((l) => l.startsWith(`| \`${r.method} ${r.path}\` |`));

  it('has one row per route of the table, ✔ exactly for the roles it lists', () => {
    const routes = Object.values(API_ROUTES).flatMap((group) => Object.values(group) as RouteSpec[]);
    expect(matrix.split('\n').filter((l) => /^\| `(GET|POST) /.test(l))).toHaveLength(routes.length);
    for (const r of routes) {
      const cells = row(r)!.split(' | ');
      const [agent, coach, dpo, rep] = cells.slice(2, 6);
      expect([agent, coach, dpo, rep]).toEqual(
        (['agent', 'coach', 'dpo', 'staffRepresentative'] as const).map((role) =>
          r.roles.includes(role) ? '✔' : '403',
        ),
      );
    }
    expect(row(API_ROUTES.views.transparency)).toMatch(
      /\| views \(`lambda\/views\/`\) \| 403 \| 403 \| ✔ \| ✔ \|/,
    );
  });

  it('finds the folder serving each group from the code that reads the table', () => {
    expect(servingFolders(ROOT)).toMatchObject({
      privacy: ['lambda/privacy'],
      playback: ['lambda/playback'],
      coaching: ['lambda/plans'],
      views: ['lambda/views'],
    });
  });

  it('a route added to the table appears without editing the docs', () => {
    const root = repo({ 'lambda/box/box.ts': 'const R = API_ROUTES.box;' });
    const routes = {
      box: { open: { method: 'POST', path: '/boxes/{id}/open', roles: ['dpo'], scope: 'only empty boxes' } },
    } satisfies Record<string, Record<string, RouteSpec>>;
    const doc = renderRouteMatrix(root, routes);
    expect(doc).toContain(
      '| `POST /boxes/{id}/open` | box (`lambda/box/`) | 403 | 403 | ✔ | 403 | only empty boxes |',
    );
  });

  it('refuses a route group no function serves', () => {
    const root = repo({ 'lambda/box/box.ts': '' });
    expect(() =>
      renderRouteMatrix(root, { box: { open: { method: 'GET', path: '/x', roles: ['dpo'] } } }),
    ).toThrow(/no function folder under lambda\/ reads API_ROUTES\.box/);
  });
});
