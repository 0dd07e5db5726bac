/**
 * The views, with injected clients and clock:
 *  - `GET /me[?period=YYYY-MM]` (agent): my recorded contacts of the period and their state; the
 *    listens of my recordings of this and the previous period (listens of P happen in P+1): coach
 *    id and team, when they listened; my evaluations; every coaching plan about me; my deletion
 *    and redaction requests on those recordings, with their status and proof;
 *  - `GET /me/audit[?period=YYYY-MM][&limit=N][&cursor=…]` (agent): my entries of the audit log for
 *    the period, paged (lambda/core/my-audit.ts decides which records are mine and what of each I
 *    see); every read recorded first on chain `me/<period of the read>`;
 *  - `GET /assignments` (coach): my assigned listens of this and the previous period, nothing else;
 *  - `GET /transparency?period=YYYY-MM[&format=json|csv][&lang=fr|en]` (staff representatives,
 *    data-protection officer): the month's model (lambda/core/transparency/, read by
 *    lambda/shared/month-source.ts) as aggregates per team (JSON), or the staff representatives'
 *    CSV (French by default: `;`, decimal comma, BOM, CRLF; English with `lang=en` or
 *    `Accept-Language: en`). `Accept: text/csv` asks for the CSV too.
 *  - `GET /transparency/{period}[?format=html|csv][&lang=fr|en]` (same roles): the monthly report
 *    as the monthly-report function stored it in the audit bucket; every read audited first.
 */

import type { Logger } from '@aws-lambda-powertools/logger';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  CursorError,
  decodeCursor,
  MY_AUDIT_CHAIN_PREFIX,
  MY_AUDIT_READ,
  parseLimit,
  personalChains,
  readMyAuditPage,
} from '../core/my-audit';
import { isPeriod, periodOf, previousPeriod } from '../core/period';
import { effectiveStatus, type Plan } from '../core/plans';
import { renderTransparencyCsv } from '../core/transparency/csv';
import { MonthDataError } from '../core/transparency/model';
import { NegotiationError, negotiateReport } from '../core/transparency/negotiate';
import { REPORT_CONTENT_TYPES, reportKey } from '../core/transparency/render/files';
import { transparencySummary } from '../core/transparency/summary';
import { readChainPage } from '../shared/audit-log';
import type { AuditSink } from '../shared/audit-sink';
import { queryAll } from '../shared/dynamo';
import {
  type ApiEvent,
  type ApiResult,
  connectUserOf,
  createRouter,
  HttpError,
  json,
  notFound,
  serviceUnavailable,
  text,
} from '../shared/http';
import {
  ASSIGN_PREFIX,
  type AssignmentItem,
  EVAL_PREFIX,
  type EvaluationItem,
  ROSTER_SK,
  type RosterItem,
} from '../shared/listening-items';
import { MonthNotAvailableError, readMonthModel } from '../shared/month-source';
import type { IdentityConfig, Principal } from '../shared/principal';
import type { ReportPolicy } from '../shared/report-config';
import { CONTACT_SK, type ContactItem, type RequestRecord } from '../shared/requests';
import type { Roster } from '../shared/roster';
import { API_ROUTES } from '../shared/routes';

export interface ViewsDeps {
  readonly ddb: DynamoDBDocumentClient;
  readonly listeningTable: string;
  readonly plansTable: string;
  /** @default - none: no contacts are shown */
  readonly recordingsTable?: string;
  /** @default - none: deletion and redaction requests are not counted */
  readonly requestsTable?: string;
  /** @default - none: there is no transparency report (503) */
  readonly decisionsTable?: string;
  readonly s3: Pick<S3Client, 'send'>;
  /** Bucket of `transparency/seeds/<period>.json`. @default - none: there is no transparency report (503) */
  readonly transparencyBucket?: string;
  /** Live roster, used when the period has no roster snapshot yet (before its assignment). */
  readonly loadRoster?: () => Promise<Roster>;
  readonly identity: IdentityConfig;
  /** The policy summary the report prints and the agents never recorded (lambda/shared/report-config.ts). */
  readonly policy: ReportPolicy;
  readonly now: () => Date;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /**
   * Every read of a stored monthly report is appended here before it is served.
   * @default - none: stored reports are not served (503), since their reads could not be audited
   */
  readonly audit?: AuditSink;
  /**
   * The audit table, read for `GET /me/audit` (Query on the agent's chains of a period).
   * @default - none: the agent's audit entries are not served (503)
   */
  readonly auditTable?: string;
}

function periodParam(event: ApiEvent, fallback?: string): string {
  const raw = event.queryStringParameters?.period ?? fallback;
  if (raw === undefined) throw new HttpError(400, 'invalid-query', 'period=YYYY-MM is required');
  if (!isPeriod(raw)) throw new HttpError(400, 'invalid-query', 'period must be YYYY-MM');
  return raw;
}

export function createViews(deps: ViewsDeps): (event: unknown) => Promise<ApiResult> {
  const { ddb } = deps;

  async function me(event: ApiEvent, principal: Principal): Promise<ApiResult> {
    const agentId = connectUserOf(principal);
    const now = deps.now();
    const period = periodParam(event, periodOf(now, deps.policy.timezone));
    const contacts = deps.recordingsTable
      ? (
          (await queryAll(ddb, {
            TableName: deps.recordingsTable,
            IndexName: 'byAgent',
            KeyConditionExpression: 'agentId = :a AND period = :p',
            FilterExpression: 'sk = :c',
            ExpressionAttributeValues: { ':a': agentId, ':p': period, ':c': CONTACT_SK },
          })) as unknown as ContactItem[]
        )
          .map((c) => ({ contactId: c.contactId, period: c.period, state: c.state, updatedAt: c.updatedAt }))
          .sort((a, b) => (a.contactId < b.contactId ? -1 : 1))
      : [];
    const mine = await queryAll(ddb, {
      TableName: deps.listeningTable,
      IndexName: 'byAgent',
      KeyConditionExpression: 'agentId = :a AND period BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':a': agentId, ':from': previousPeriod(period), ':to': period },
    });
    const teamNames: Record<string, string> = {};
    for (const p of new Set(mine.map((i) => String(i.period)))) {
      const snap = (
        await ddb.send(new GetCommand({ TableName: deps.listeningTable, Key: { period: p, sk: ROSTER_SK } }))
      ).Item as RosterItem | undefined;
      Object.assign(teamNames, snap?.teamNames ?? {});
    }
    /** Which contact, and which coach of which team (by its name) listened to it or evaluated it. */
    const coachedContact = (i: Pick<AssignmentItem, 'contactId' | 'period' | 'coachId' | 'coachTeam'>) => ({
      contactId: i.contactId,
      period: i.period,
      coachId: i.coachId,
      coachTeam: teamNames[i.coachTeam] ?? i.coachTeam,
    });
    const listens = (
      mine.filter((i) => String(i.sk).startsWith(ASSIGN_PREFIX)) as unknown as AssignmentItem[]
    )
      .map((a) => ({
        ...coachedContact(a),
        assignedAt: a.assignedAt,
        listenUntil: a.validUntil,
        listenedAt: a.plays ?? [],
      }))
      .sort((a, b) => (a.period + a.contactId < b.period + b.contactId ? -1 : 1));
    const evaluations = (
      mine.filter((i) => String(i.sk).startsWith(EVAL_PREFIX)) as unknown as EvaluationItem[]
    )
      .map((e) => ({
        ...coachedContact(e),
        scores: e.scores,
        ...(e.comment ? { comment: e.comment } : {}),
        createdAt: e.createdAt,
      }))
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
    const plans = (
      (await queryAll(ddb, {
        TableName: deps.plansTable,
        IndexName: 'byAgent',
        KeyConditionExpression: 'agentId = :a',
        ExpressionAttributeValues: { ':a': agentId },
      })) as unknown as Plan[]
    )
      .map((p) => ({
        planId: p.planId,
        proposedBy: p.proposedBy,
        reason: p.reason,
        extraListens: p.extraListens,
        createdAt: p.createdAt,
        endsAt: p.endsAt,
        status: effectiveStatus(p, now),
        ...(p.decidedAt ? { decidedAt: p.decidedAt } : {}),
      }))
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
    const requests = deps.requestsTable
      ? (
          await Promise.all(
            contacts.map(
              async (c) =>
                (await queryAll(ddb, {
                  TableName: deps.requestsTable,
                  IndexName: 'byContact',
                  KeyConditionExpression: 'contactId = :c',
                  ExpressionAttributeValues: { ':c': c.contactId },
                })) as unknown as RequestRecord[],
            ),
          )
        )
          .flat()
          // Only the requests this agent made (a DPO's request on my recording is the DPO's to show).
          .filter((r) => r.requestedBy === `agent:${agentId}`)
          .map((r) => ({
            requestId: r.requestId,
            kind: r.kind,
            contactId: r.contactId,
            status: r.status,
            ...(r.ranges ? { ranges: r.ranges } : {}),
            createdAt: r.createdAt,
            ...(r.completedAt ? { completedAt: r.completedAt } : {}),
            proof: r.proof ?? null,
          }))
          .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1))
      : [];
    return json(200, { agentId, period, contacts, listens, evaluations, plans, requests });
  }

  /** `GET /me/audit`: the caller's own entries of the audit log, paged, the read audited first. */
  async function meAudit(event: ApiEvent, principal: Principal): Promise<ApiResult> {
    const agentId = connectUserOf(principal);
    const asked = event.queryStringParameters?.agentId;
    // Whose entries is never a parameter: the token says. Asking for someone else's is refused.
    if (asked !== undefined && asked !== agentId)
      throw new HttpError(403, 'not-yours', 'an agent reads only their own audit entries');
    const now = deps.now();
    const period = periodParam(event, periodOf(now, deps.policy.timezone));
    const chains = personalChains(period);
    let cursor: ReturnType<typeof decodeCursor>;
    let limit: number;
    try {
      cursor = decodeCursor(event.queryStringParameters?.cursor, chains.length);
      limit = parseLimit(event.queryStringParameters?.limit);
    } catch (err) {
      if (err instanceof CursorError) throw new HttpError(400, 'invalid-query', err.message);
      throw err;
    }
    const { auditTable, audit } = deps;
    if (!auditTable || !audit)
      throw serviceUnavailable(
        'audit-unavailable',
        'the audit log cannot be read or its reads recorded here',
      );
    const contacts = deps.recordingsTable
      ? (
          await queryAll(ddb, {
            TableName: deps.recordingsTable,
            IndexName: 'byAgent',
            KeyConditionExpression: 'agentId = :a AND period = :p',
            FilterExpression: 'sk = :c',
            ExpressionAttributeValues: { ':a': agentId, ':p': period, ':c': CONTACT_SK },
          })
        ).map((c) => String(c.contactId))
      : [];
    const notExpiredAt = Math.floor(now.getTime() / 1000);
    const page = await readMyAuditPage(
      (chain, afterSeq, max) =>
        readChainPage(ddb, auditTable, chain, afterSeq, Math.min(max, 250), notExpiredAt),
      chains,
      { agentId, contacts: new Set(contacts) },
      cursor,
      limit,
    );
    // Audited before it is served: no record of the read, no entries.
    try {
      await audit.append({
        chain: `${MY_AUDIT_CHAIN_PREFIX}${periodOf(now, deps.policy.timezone)}`,
        kind: MY_AUDIT_READ,
        actor: `agent:${agentId}`,
        subject: agentId,
        at: now,
        data: {
          period,
          from: event.queryStringParameters?.cursor ? 'cursor' : 'start',
          returned: page.entries.length,
          scanned: page.scanned,
        },
      });
    } catch (err) {
      deps.logger.error('audit append failed: audit entries not served', { error: (err as Error).name });
      throw serviceUnavailable('audit-unavailable', 'the read could not be recorded in the audit log; retry');
    }
    return json(200, { agentId, period, entries: page.entries, ...(page.next ? { next: page.next } : {}) });
  }

  async function assignments(_event: ApiEvent, principal: Principal): Promise<ApiResult> {
    const coachId = connectUserOf(principal);
    const now = deps.now();
    const period = periodOf(now, deps.policy.timezone);
    const items = (await queryAll(ddb, {
      TableName: deps.listeningTable,
      IndexName: 'byCoach',
      KeyConditionExpression: 'coachId = :c AND period BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':c': coachId, ':from': previousPeriod(period), ':to': period },
    })) as unknown as (AssignmentItem | EvaluationItem)[];
    const evaluated = new Set(
      items.filter((i) => i.sk.startsWith(EVAL_PREFIX)).map((i) => `${i.period}/${i.contactId}`),
    );
    const listens = (items.filter((i) => i.sk.startsWith(ASSIGN_PREFIX)) as AssignmentItem[])
      .map((a) => ({
        contactId: a.contactId,
        period: a.period,
        agentTeam: a.agentTeam,
        playsLeft: a.playsLeft,
        playsAllowed: a.playsAllowed,
        listenUntil: a.validUntil,
        open: Date.parse(a.validUntil) > now.getTime(),
        evaluated: evaluated.has(`${a.period}/${a.contactId}`),
      }))
      .sort((a, b) => (a.period + a.contactId < b.period + b.contactId ? -1 : 1));
    return json(200, { coachId, listens });
  }

  async function transparency(event: ApiEvent): Promise<ApiResult> {
    const period = periodParam(event);
    // A month that has not begun has no data (and 9999-12 has no following month to bound it).
    const now = deps.now();
    const current = periodOf(now, deps.policy.timezone);
    if (period > current)
      throw notFound('period-not-found', `period ${period} has not started: there is no data for it yet`);
    let asked: ReturnType<typeof negotiateReport>;
    try {
      asked = negotiateReport(event.queryStringParameters, event.headers, ['json', 'csv']);
    } catch (err) {
      if (err instanceof NegotiationError) throw new HttpError(400, 'invalid-query', err.message);
      throw err;
    }
    if (!deps.decisionsTable || !deps.transparencyBucket)
      throw serviceUnavailable('transparency-unavailable', 'the transparency report is not configured');
    let model: Awaited<ReturnType<typeof readMonthModel>>;
    try {
      model = await readMonthModel(
        {
          ddb,
          tables: {
            decisions: deps.decisionsTable,
            listening: deps.listeningTable,
            plans: deps.plansTable,
            ...(deps.requestsTable ? { requests: deps.requestsTable } : {}),
          },
          s3: deps.s3,
          auditBucket: deps.transparencyBucket,
          policy: deps.policy,
          ...(deps.loadRoster ? { loadRoster: deps.loadRoster } : {}),
        },
        period,
        { generatedAt: now.toISOString() },
      );
    } catch (err) {
      if (err instanceof MonthNotAvailableError) throw notFound('period-not-found', err.message);
      if (err instanceof MonthDataError) {
        deps.logger.error('the month model is inconsistent', { period, problems: err.message });
        throw serviceUnavailable(
          'month-data-invalid',
          `the data of ${period} do not make a consistent report; the operator has been told`,
        );
      }
      throw err;
    }
    if (asked.format === 'csv') {
      const suffix = asked.lang === 'fr' ? '' : `.${asked.lang}`;
      return text(
        200,
        'text/csv; charset=utf-8',
        renderTransparencyCsv(model, { lang: asked.lang }),
        `transparency-${period}${suffix}.csv`,
      );
    }
    return json(200, transparencySummary(model));
  }

  /** `GET /transparency/{period}`: the monthly report as the function stored it, read audited. */
  async function storedReport(event: ApiEvent, principal: Principal): Promise<ApiResult> {
    const period = event.pathParameters?.period ?? '';
    if (!isPeriod(period)) throw new HttpError(400, 'invalid-period', 'the period must be YYYY-MM');
    let asked: ReturnType<typeof negotiateReport>;
    try {
      asked = negotiateReport(event.queryStringParameters, event.headers, ['html', 'csv']);
    } catch (err) {
      if (err instanceof NegotiationError) throw new HttpError(400, 'invalid-query', err.message);
      throw err;
    }
    const format = asked.format as 'html' | 'csv';
    if (!deps.transparencyBucket)
      throw serviceUnavailable('transparency-unavailable', 'the transparency report is not configured');
    const key = reportKey(period, asked.lang, format);
    let body: string | undefined;
    try {
      const out = await deps.s3.send(new GetObjectCommand({ Bucket: deps.transparencyBucket, Key: key }));
      body = await out.Body?.transformToString('utf8');
    } catch (err) {
      const name = (err as Error).name;
      if (name !== 'NoSuchKey' && name !== 'NotFound') throw err;
    }
    if (body === undefined)
      throw notFound('report-not-found', `no monthly report is stored for ${period} yet`);
    // Audited before it is served: no audit record, no report.
    if (!deps.audit)
      throw serviceUnavailable('audit-unavailable', 'reads of the report cannot be audited here');
    try {
      await deps.audit.append({
        chain: `transparency/${period}`,
        kind: 'report-read',
        actor: `${principal.roles.has('dpo') ? 'dpo' : 'staffRepresentative'}:${principal.subject}`,
        subject: period,
        at: deps.now(),
        data: { key },
      });
    } catch (err) {
      deps.logger.error('audit append failed: report not served', { period, error: (err as Error).name });
      throw serviceUnavailable('audit-unavailable', 'the read could not be recorded in the audit log; retry');
    }
    if (format === 'csv') return text(200, REPORT_CONTENT_TYPES.csv, body, key.split('/').at(-1));
    const page = text(200, REPORT_CONTENT_TYPES.html, body);
    // The page is self-contained: inline styles and SVG only, nothing loaded.
    page.headers['content-security-policy'] =
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'";
    return page;
  }

  return createRouter(
    [
      [API_ROUTES.views.me, me],
      [API_ROUTES.views.meAudit, meAudit],
      [API_ROUTES.views.assignments, assignments],
      [API_ROUTES.views.transparency, transparency],
      [API_ROUTES.views.report, storedReport],
    ],
    { identity: deps.identity, logger: deps.logger },
  );
}
