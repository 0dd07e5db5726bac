/**
 * Privacy (C9): every recording object reaches the ingest function, and the privacy API that lets an agent
 * suspend, resume, delete or redact a recording is behind a JWT authorizer.
 */

import { API_ROUTES, routeKey } from '../../../lambda/shared/routes';
import { asArray, at, isRecord, type StackView } from '../template';
import type { Check } from '../types';
import { ev, Findings, pointingAt } from './helpers';

/** The S3 events ingest needs: a single PUT and the end of a multipart upload (Connect uses both). */
export const INGEST_EVENTS = ['s3:ObjectCreated:Put', 's3:ObjectCreated:CompleteMultipartUpload'] as const;

/** Where Contact Lens writes voice analysis and redacted audio: the bucket root and the instance folder. */
export const CONTACT_LENS_FOLDER = 'Analysis/Voice/';

const CONFIGS = 'Properties.NotificationConfiguration.LambdaFunctionConfigurations';

const eventCovers = (pattern: unknown, event: string) =>
  typeof pattern === 'string' &&
  (pattern === event || (pattern.endsWith('*') && event.startsWith(pattern.slice(0, -1))));

interface Expected {
  readonly prefix: string;
  readonly why: string;
}

/**
 * The prefixes under which recordings arrive in `bucketId`: each S3 storage config's `BucketPrefix`, and for
 * call recordings the Contact Lens prefixes `Analysis/Voice/` at the root and under the instance folder (the
 * `BucketPrefix` without its last segment) — required even while Contact Lens is off in the template, since it
 * can be switched on in the console without a deploy.
 */
export function recordingPrefixes(stack: StackView, bucketId: string, f: Findings): Expected[] {
  const out: Expected[] = [];
  const storage = stack
    .ofType('AWS::Connect::InstanceStorageConfig')
    .filter(([, r]) => stack.refTarget(at(r, 'Properties.S3Config.BucketName')) === bucketId);
  for (const [id, r] of stack.ofType('AWS::Connect::Instance'))
    f.add(
      ev(stack, id, 'Properties.Attributes.ContactLens', at(r, 'Properties.Attributes.ContactLens') ?? false),
    );
  const add = (prefix: string, why: string) => {
    if (!out.some((e) => e.prefix === prefix)) out.push({ prefix, why });
  };
  for (const [id, r] of storage) {
    const raw = at(r, 'Properties.S3Config.BucketPrefix');
    f.add(ev(stack, id, 'Properties.S3Config.BucketPrefix', raw ?? null, String(r.Properties?.ResourceType)));
    if (typeof raw !== 'string') {
      f.problem(
        `${id}: BucketPrefix ${JSON.stringify(raw ?? null)} is not a literal prefix the report can match`,
      );
      continue;
    }
    const prefix = raw.replace(/^\/+|\/+$/g, '');
    add(prefix === '' ? '' : `${prefix}/`, `${id} (${String(r.Properties?.ResourceType)})`);
    if (r.Properties?.ResourceType === 'CALL_RECORDINGS') {
      const folder = prefix.split('/').slice(0, -1).join('/');
      add(CONTACT_LENS_FOLDER, 'Contact Lens (bucket root)');
      if (folder) add(`${folder}/${CONTACT_LENS_FOLDER}`, `Contact Lens (instance folder of ${id})`);
    }
  }
  if (storage.length === 0) f.problem(`no Connect storage config writes into ${bucketId}`);
  return out;
}

export const ingestTriggers: Check = {
  id: 'INGEST-TRIGGERS',
  title:
    'Every recording prefix (call recordings, Contact Lens) notifies the ingest function on PUT and on multipart completion',
  concern: 'C9',
  run: (ctx) => {
    const f = new Findings();
    let n = 0;
    const covered: string[] = [];
    for (const stack of ctx.stacks) {
      const ingest = stack.withRole('function:ingest').map(([id]) => id);
      if (ingest.length === 0) f.problem(`${stack.name}: no function marked function:ingest`);
      for (const [bucketId] of stack.withRole('bucket:recordings')) {
        n++;
        const expected = recordingPrefixes(stack, bucketId, f);
        const notifications = pointingAt(stack, 'Custom::S3BucketNotifications', 'BucketName', bucketId);
        if (notifications.length === 0)
          f.problem(`${bucketId}: no bucket notification configuration: nothing reaches the ingest function`);
        const configs = notifications.flatMap(([nid, r]) =>
          asArray(at(r, CONFIGS)).map((c, i) => ({ nid, c, i })),
        );
        for (const x of configs) f.add(ev(stack, x.nid, `${CONFIGS}[${x.i}]`, x.c));
        for (const e of expected) {
          for (const event of INGEST_EVENTS) {
            const hit = configs.find(({ c }) => {
              if (!isRecord(c)) return false;
              const target = stack.refTarget(c.LambdaFunctionArn);
              if (!target || !ingest.includes(target)) return false;
              if (!asArray(c.Events).some((p) => eventCovers(p, event))) return false;
              const rules = asArray(at(c, 'Filter.Key.FilterRules')).filter(isRecord);
              return rules.every((rule) => {
                const name = String(rule.Name).toLowerCase();
                if (name === 'prefix')
                  return typeof rule.Value === 'string' && e.prefix.startsWith(rule.Value);
                return false; // a suffix narrows the prefix: not every object is covered
              });
            });
            if (hit) covered.push(`${e.prefix} ${event.slice('s3:ObjectCreated:'.length)}`);
            else
              f.problem(
                `${bucketId}: objects created under "${e.prefix}" (${e.why}) by ${event} do not notify the ingest function`,
              );
          }
        }
      }
    }
    if (n === 0) f.problem('no bucket marked bucket:recordings');
    return { ...f, summary: `to function:ingest: ${covered.join(', ') || 'nothing'}` };
  },
};

/** The privacy routes, each to be behind the JWT authorizer. */
export const PRIVACY_ROUTES: readonly string[] = Object.values(API_ROUTES.privacy).map(routeKey);

const nonEmpty = (v: unknown) =>
  (typeof v === 'string' && v !== '') || (isRecord(v) && Object.keys(v).length === 1);

export const privacyApi: Check = {
  id: 'PRIVACY-API',
  title:
    'The HTTP API has the privacy routes (suspend, resume, deletion, redactions, request status), and every route requires a JWT (issuer and audience set)',
  concern: 'C9',
  run: (ctx) => {
    const f = new Findings();
    let n = 0;
    const counts = { privacy: 0, routes: 0, jwt: 0 };
    for (const stack of ctx.stacks) {
      for (const [apiId] of stack.withRole('api:http')) {
        n++;
        const routes = pointingAt(stack, 'AWS::ApiGatewayV2::Route', 'ApiId', apiId);
        counts.routes += routes.length;
        counts.privacy += PRIVACY_ROUTES.filter((k) =>
          routes.some(([, r]) => r.Properties?.RouteKey === k),
        ).length;
        counts.jwt += routes.filter(([, r]) => r.Properties?.AuthorizationType === 'JWT').length;
        for (const key of PRIVACY_ROUTES) {
          if (!routes.some(([, r]) => r.Properties?.RouteKey === key)) f.problem(`${apiId}: no route ${key}`);
        }
        for (const [rid, r] of routes) {
          const key = String(r.Properties?.RouteKey);
          const type = r.Properties?.AuthorizationType;
          const authId = stack.refTarget(r.Properties?.AuthorizerId);
          const auth = authId ? stack.resource(authId) : undefined;
          const privacy = (PRIVACY_ROUTES as readonly string[]).includes(key);
          f.add(
            ev(
              stack,
              rid,
              'Properties.AuthorizationType',
              type ?? null,
              `${key}${privacy ? ' (privacy)' : ''} → authorizer ${authId ?? 'none'}`,
            ),
          );
          if (type !== 'JWT') {
            f.problem(
              `${rid} ${key}: AuthorizationType is ${JSON.stringify(type ?? 'NONE')}, not JWT: anyone may call it`,
            );
            continue;
          }
          if (!authId || auth?.Type !== 'AWS::ApiGatewayV2::Authorizer') {
            f.problem(
              `${rid} ${key}: AuthorizerId ${JSON.stringify(r.Properties?.AuthorizerId ?? null)} is not an authorizer of this template`,
            );
            continue;
          }
          if (stack.refTarget(auth.Properties?.ApiId) !== apiId)
            f.problem(`${rid} ${key}: authorizer ${authId} belongs to another API`);
        }
        const authorizers = new Set(
          routes.map(([, r]) => stack.refTarget(r.Properties?.AuthorizerId)).filter((x): x is string => !!x),
        );
        for (const aid of authorizers) {
          const a = stack.resource(aid);
          if (a?.Type !== 'AWS::ApiGatewayV2::Authorizer') continue;
          const jwt = a.Properties?.JwtConfiguration;
          f.add(
            ev(
              stack,
              aid,
              'Properties.JwtConfiguration',
              jwt ?? null,
              `${String(a.Properties?.AuthorizerType)}: issuer ${stack.flatten(at(jwt, 'Issuer'))}`,
            ),
          );
          if (a.Properties?.AuthorizerType !== 'JWT')
            f.problem(`${aid}: AuthorizerType is ${String(a.Properties?.AuthorizerType)}, not JWT`);
          if (!nonEmpty(at(jwt, 'Issuer'))) f.problem(`${aid}: no JWT issuer`);
          const audience = asArray(at(jwt, 'Audience'));
          if (audience.length === 0 || !audience.every(nonEmpty))
            f.problem(`${aid}: no JWT audience: tokens issued for any client would be accepted`);
        }
        if (routes.length === 0) f.problem(`${apiId}: the API has no routes`);
      }
    }
    if (n === 0) f.problem('no API marked api:http in any stack');
    return {
      ...f,
      summary: `${counts.privacy}/${PRIVACY_ROUTES.length} privacy routes; ${counts.jwt}/${counts.routes} routes with a JWT authorizer`,
    };
  },
};

export const PRIVACY_CHECKS: readonly Check[] = [ingestTriggers, privacyApi];
