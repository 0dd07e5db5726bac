/**
 * docs/api/routes.md: every route of the HTTP API with the roles that may call it and the rule applied after
 * the role check, from the route table in lambda/shared/routes.ts, so the API reference cannot drift from the
 * code. Each route group names the function folder that serves it: the one whose code reads the group.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '../../lambda/shared/principal';
import { API_ROUTES, type ApiFunction, type RouteSpec } from '../../lambda/shared/routes';
import { cell, generatedNotice } from './markdown';

/** Columns of the matrix, with the token group that grants each role. */
const ROLES: ReadonlyArray<readonly [Role, string]> = [
  ['agent', 'agent'],
  ['coach', 'coach'],
  ['dpo', 'DPO'],
  ['staffRepresentative', 'staff rep'],
];

/** The function folder that serves each route group: the one whose code reads `API_ROUTES.<group>`. */
export function servingFolders(root: string): Record<string, string[]> {
  const folders: Record<string, string[]> = {};
  for (const dir of readdirSync(join(root, 'lambda'), { withFileTypes: true })) {
    if (!dir.isDirectory() || dir.name === 'shared' || dir.name === 'core') continue;
    for (const file of readdirSync(join(root, 'lambda', dir.name))) {
      if (!file.endsWith('.ts')) continue;
      const source = readFileSync(join(root, 'lambda', dir.name, file), 'utf8');
      for (const m of source.matchAll(/\bAPI_ROUTES\.(\w+)/g)) {
        const list = folders[m[1]!] ?? [];
        if (!list.includes(`lambda/${dir.name}`)) list.push(`lambda/${dir.name}`);
        folders[m[1]!] = list;
      }
    }
  }
  return folders;
}

export function renderRouteMatrix(
  root: string,
  routes: Readonly<Record<string, Readonly<Record<string, RouteSpec>>>> = API_ROUTES,
): string {
  const folders = servingFolders(root);
  const groups = Object.keys(routes) as ApiFunction[];
  const routeRows = groups.flatMap((fn) => {
    const dirs = folders[fn] ?? [];
    if (dirs.length === 0) throw new Error(`no function folder under lambda/ reads API_ROUTES.${fn}`);
    const served = `${fn} (${dirs.map((d) => `\`${d}/\``).join(', ')})`;
    return Object.values(routes[fn]!).map((r) => {
      const roles = ROLES.map(([role]) => (r.roles.includes(role) ? '✔' : '403'));
      return `| \`${r.method} ${r.path}\` | ${served} | ${roles.join(' | ')} | ${cell(r.scope ?? '')} |`;
    });
  });
  return [
    '# Routes and roles',
    '',
    generatedNotice('the route table (`lambda/shared/routes.ts`)'),
    '',
    'Every route needs a JWT (`Authorization: Bearer …`); without one, API Gateway answers 401. A',
    'caller whose token carries none of the roles a route lists is refused (403 `forbidden`) before',
    'anything is read. ✔ means the role may call the route; the last column states the further rule',
    'the function applies. The privacy routes in detail: [privacy.md](privacy.md); the listening',
    'routes: [../compliance/listening.md](../compliance/listening.md).',
    '',
    `| route | function | ${ROLES.map(([, label]) => label).join(' | ')} | further rule |`,
    `| --- | --- | ${ROLES.map(() => '---').join(' | ')} | --- |`,
    ...routeRows,
    '',
    '## Errors',
    '',
    'Every error code, with its status, routes and meaning, and the order in which a request is checked:',
    '[errors.md](errors.md) (a test keeps that list equal to the codes the functions answer).',
    '',
  ].join('\n');
}
