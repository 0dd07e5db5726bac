/**
 * The coaching function, with injected clients, clock,
 * ids and audit sink:
 *  - `POST /plans` (coach): propose a coaching plan (rules in lambda/core/plans.ts) — only for an
 *    agent the coach may be assigned: another team's agent in the live Connect roster (C10);
 *  - `POST /plans/{planId}/approval` (data-protection officer, not the proposer): approve or reject.
 *    Pending proposals do not block each other; approving is refused while another plan of the
 *    agent is approved and running. The approval first takes the agent's running-plan marker in
 *    the listening table with a conditional write (free, ended, or already this plan's), so two
 *    concurrent approvals cannot both win;
 *  - `POST /assignments/{contactId}/evaluation` (the assigned coach, after listening): a structured
 *    evaluation — scores 1..5 on a fixed list of criteria and an optional short comment, never
 *    audio — linked to the assignment, visible to the agent in /me, kept `auditRetentionDays`.
 * Each action is audited first (chain `governance/<current period>` for plans, `listens/<P>` for
 * evaluations); without a record nothing is stored (503).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ConnectClient } from '@aws-sdk/client-connect';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { mayBeAssigned } from '../core/assignment';
import { periodOf } from '../core/period';
import {
  checkDecision,
  checkProposal,
  decisionSchema,
  effectiveStatus,
  type Plan,
  type PlanLimits,
  planExpiresAt,
  proposalSchema,
  runningPlanOf,
} from '../core/plans';
import { ttlAfterDays } from '../core/retention';
import { createAuditLog } from '../shared/audit-log';
import type { AuditEntry, AuditSink } from '../shared/audit-sink';
import { isConditionFailure, putIfAbsent } from '../shared/dynamo';
import {
  type ApiEvent,
  type ApiResult,
  badRequest,
  conflict,
  connectUserOf,
  createRouter,
  forbidden,
  HttpError,
  json,
  notFound,
  parseJsonBody,
  pathUuid,
} from '../shared/http';
import {
  type AssignmentItem,
  assignSk,
  EVALUATION_CRITERIA,
  type EvaluationItem,
  evalSk,
} from '../shared/listening-items';
import type { IdentityConfig, Principal } from '../shared/principal';
import { loadRoster, type Roster, teamsOf } from '../shared/roster';
import { API_ROUTES } from '../shared/routes';
import type { CoachingConfig } from './config';

/** Partition of the listening table holding one running-plan marker per agent (never a period). */
export const RUNNING_PLAN_PARTITION = '#running-plans';
export const runningPlanSk = (agentId: string) => `agent#${agentId}`;
export const MAX_COMMENT_LENGTH = 500;

export const evaluationSchema = z.strictObject({
  scores: z.strictObject(
    Object.fromEntries(EVALUATION_CRITERIA.map((c) => [c, z.number().int().min(1).max(5)])) as Record<
      (typeof EVALUATION_CRITERIA)[number],
      z.ZodNumber
    >,
  ),
  comment: z.string().trim().max(MAX_COMMENT_LENGTH).optional(),
});

export interface CoachingDeps {
  readonly ddb: DynamoDBDocumentClient;
  readonly plansTable: string;
  readonly listeningTable: string;
  readonly audit: AuditSink;
  readonly identity: IdentityConfig;
  readonly limits: PlanLimits;
  /** Live roster (teams from Connect): who may propose a plan for whom. */
  readonly loadRoster: () => Promise<Pick<Roster, 'agents' | 'coaches'>>;
  readonly timezone: string;
  readonly auditRetentionDays: number;
  readonly now: () => Date;
  readonly newId: () => string;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/**
 * The dependencies from the parsed environment and the clients: the handler and the simulation
 * build the function the same way and differ only in the clock, the ids and the logger.
 */
export function coachingDepsOf(
  config: CoachingConfig,
  clients: { readonly ddb: DynamoDBDocumentClient; readonly connect: ConnectClient },
  runtime: Pick<CoachingDeps, 'now' | 'newId' | 'logger'>,
): CoachingDeps {
  const { ddb, connect } = clients;
  return {
    ddb,
    plansTable: config.plansTable,
    listeningTable: config.listeningTable,
    audit: createAuditLog({
      client: ddb,
      tableName: config.audit.table,
      retentionDays: config.audit.retentionDays,
    }),
    identity: config.identity,
    loadRoster: () => loadRoster({ connect, ...config.roster }),
    limits: config.limits,
    timezone: config.timezone,
    auditRetentionDays: config.audit.retentionDays,
    ...runtime,
  };
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const out = schema.safeParse(value);
  if (!out.success) {
    const problems = out.error.issues.slice(0, 20).map((i) => ({
      path: i.path.map(String).join('.') || '(body)',
      message: i.message,
    }));
    const summary = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
    throw badRequest('invalid-body', `invalid request body: ${summary}`, { problems });
  }
  return out.data;
}

/** Public view of a plan (the proposer's token subject stays inside). */
export function planView(plan: Plan, now: Date) {
  const { proposerSubject: _hidden, expiresAt: _ttl, ...rest } = plan;
  return { ...rest, effectiveStatus: effectiveStatus(plan, now) };
}

export function createCoaching(deps: CoachingDeps): (event: unknown) => Promise<ApiResult> {
  const { ddb, logger } = deps;

  const auditFirst = async (entry: AuditEntry) => {
    try {
      return await deps.audit.append(entry);
    } catch (err) {
      logger.error('audit append failed: nothing stored', { kind: entry.kind, error: err as Error });
      throw new HttpError(503, 'audit-unavailable', 'the action could not be recorded in the audit log');
    }
  };

  async function propose(event: ApiEvent, principal: Principal): Promise<ApiResult> {
    const coachId = connectUserOf(principal);
    const proposal = parse(proposalSchema(deps.limits), parseJsonBody(event));
    const now = deps.now();
    const { coachTeam, agentTeam } = teamsOf(await deps.loadRoster(), {
      coachId,
      agentId: proposal.agentId,
    });
    if (coachTeam === undefined) {
      throw forbidden('you are not placed as a coach of a team in the Connect roster', 'not-a-coach');
    }
    if (agentTeam === undefined) throw notFound('agent-not-found', 'no agent with this id in the roster');
    if (!mayBeAssigned(coachTeam, agentTeam)) {
      throw forbidden(
        'a coach may propose a plan only for an agent of another team, one they may be assigned (C10)',
        'agent-not-assignable',
      );
    }
    const existing = await plansOf(proposal.agentId);
    const problems = checkProposal(proposal, {
      now,
      limits: deps.limits,
      proposerId: coachId,
      existing: existing ?? [],
    });
    if (problems.length > 0) throw new HttpError(422, 'plan-refused', problems.join('; '), { problems });
    const endsAt = new Date(proposal.endsAt).toISOString();
    const plan: Plan = {
      planId: deps.newId(),
      agentId: proposal.agentId,
      proposedBy: coachId,
      proposerSubject: principal.subject,
      reason: proposal.reason,
      extraListens: proposal.extraListens,
      createdAt: now.toISOString(),
      endsAt,
      status: 'proposed',
      expiresAt: planExpiresAt(now.toISOString(), deps.auditRetentionDays),
    };
    await auditFirst({
      chain: `governance/${periodOf(now, deps.timezone)}`,
      kind: 'plan',
      actor: `coach:${coachId}`,
      subject: plan.planId,
      at: now,
      data: { action: 'proposed', agentId: plan.agentId, extraListens: plan.extraListens, endsAt },
    });
    await ddb.send(
      new PutCommand({
        TableName: deps.plansTable,
        Item: plan,
        ConditionExpression: 'attribute_not_exists(planId)',
      }),
    );
    return json(201, planView(plan, now));
  }

  async function plansOf(agentId: string): Promise<Plan[]> {
    const out = await ddb.send(
      new QueryCommand({
        TableName: deps.plansTable,
        IndexName: 'byAgent',
        KeyConditionExpression: 'agentId = :a',
        ExpressionAttributeValues: { ':a': agentId },
      }),
    );
    return (out.Items ?? []) as Plan[];
  }

  const runningKey = (agentId: string) => ({ period: RUNNING_PLAN_PARTITION, sk: runningPlanSk(agentId) });

  /** Takes the agent's running-plan marker for `plan`: false when another running plan holds it. */
  async function takeRunningMarker(plan: Plan, now: Date): Promise<boolean> {
    return putIfAbsent(ddb, {
      TableName: deps.listeningTable,
      Item: {
        ...runningKey(plan.agentId),
        planId: plan.planId,
        endsAt: plan.endsAt,
        expiresAt: ttlAfterDays(Date.parse(plan.endsAt), 1),
      },
      ConditionExpression: 'attribute_not_exists(sk) OR endsAt <= :now OR planId = :me',
      ExpressionAttributeValues: { ':now': now.toISOString(), ':me': plan.planId },
    });
  }

  /** Gives the marker back when the approval did not complete (only if this plan still holds it). */
  async function releaseRunningMarker(plan: Plan, now: Date): Promise<void> {
    try {
      await ddb.send(
        new PutCommand({
          TableName: deps.listeningTable,
          Item: {
            ...runningKey(plan.agentId),
            planId: plan.planId,
            endsAt: now.toISOString(),
            expiresAt: ttlAfterDays(now.getTime(), 1),
          },
          ConditionExpression: 'planId = :me',
          ExpressionAttributeValues: { ':me': plan.planId },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) logger.error('running-plan marker not released', { error: err as Error });
    }
  }

  async function decide(event: ApiEvent, principal: Principal): Promise<ApiResult> {
    const planId = pathUuid(event, 'planId');
    const { decision } = parse(decisionSchema, parseJsonBody(event));
    const now = deps.now();
    const plan = (
      await ddb.send(new GetCommand({ TableName: deps.plansTable, Key: { planId }, ConsistentRead: true }))
    ).Item as Plan | undefined;
    if (!plan) throw new HttpError(404, 'plan-not-found', 'no such plan');
    const problems = checkDecision(plan, { now, deciderSubject: principal.subject, deciderIsDpo: true });
    if (problems.length > 0) {
      const selfDecision = plan.proposerSubject === principal.subject;
      throw new HttpError(selfDecision ? 403 : 409, 'decision-refused', problems.join('; '), { problems });
    }
    const status = decision === 'approve' ? 'approved' : 'rejected';
    const alreadyRunning = `the agent already has an approved, running plan (one at a time, C7)`;
    if (status === 'approved') {
      const running = runningPlanOf(await plansOf(plan.agentId), now, planId);
      if (running)
        throw conflict('plan-running', `${alreadyRunning}: ${running.planId}, until ${running.endsAt}`);
      if (!(await takeRunningMarker(plan, now))) throw conflict('plan-running', alreadyRunning);
    }
    const undo = async () => {
      if (status === 'approved') await releaseRunningMarker(plan, now);
    };
    try {
      await auditFirst({
        chain: `governance/${periodOf(now, deps.timezone)}`,
        kind: 'plan',
        actor: `dpo:${principal.subject}`,
        subject: planId,
        at: now,
        data: { action: status, agentId: plan.agentId, extraListens: plan.extraListens, endsAt: plan.endsAt },
      });
    } catch (err) {
      await undo();
      throw err;
    }
    try {
      await ddb.send(
        new UpdateCommand({
          TableName: deps.plansTable,
          Key: { planId },
          UpdateExpression: 'SET #s = :s, decidedBy = :by, decidedAt = :at',
          ConditionExpression: '#s = :proposed',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':s': status,
            ':by': `dpo:${principal.subject}`,
            ':at': now.toISOString(),
            ':proposed': 'proposed',
          },
        }),
      );
    } catch (err) {
      // Decided concurrently: keep the marker if this very plan ended up approved.
      const current = (
        await ddb.send(new GetCommand({ TableName: deps.plansTable, Key: { planId }, ConsistentRead: true }))
      ).Item as Plan | undefined;
      if (current?.status !== 'approved') await undo();
      if (!isConditionFailure(err)) throw err;
      throw new HttpError(409, 'decision-refused', 'the plan was decided concurrently');
    }
    return json(
      200,
      planView({ ...plan, status, decidedBy: `dpo:${principal.subject}`, decidedAt: now.toISOString() }, now),
    );
  }

  async function evaluate(event: ApiEvent, principal: Principal): Promise<ApiResult> {
    const coachId = connectUserOf(principal);
    const contactId = pathUuid(event, 'contactId');
    const body = parse(evaluationSchema, parseJsonBody(event));
    const now = deps.now();
    const found = (
      await ddb.send(
        new QueryCommand({
          TableName: deps.listeningTable,
          IndexName: 'byCoach',
          KeyConditionExpression: 'coachId = :me',
          FilterExpression: 'sk = :sk',
          ExpressionAttributeValues: { ':me': coachId, ':sk': assignSk(contactId) },
        }),
      )
    ).Items as AssignmentItem[] | undefined;
    const assignment = found?.sort((a, b) => (a.period < b.period ? 1 : -1))[0];
    if (!assignment) throw new HttpError(403, 'not-assigned', 'no listen of this contact is assigned to you');
    if (now.getTime() >= Date.parse(assignment.validUntil)) {
      throw new HttpError(
        403,
        'assignment-expired',
        `the listening window ended at ${assignment.validUntil}`,
      );
    }
    if ((assignment.plays ?? []).length === 0) {
      throw new HttpError(409, 'not-listened', 'evaluate a call after listening to it');
    }
    const item: EvaluationItem = {
      period: assignment.period,
      sk: evalSk(contactId),
      contactId,
      agentId: assignment.agentId,
      coachId,
      coachTeam: assignment.coachTeam,
      scores: body.scores,
      ...(body.comment ? { comment: body.comment } : {}),
      createdAt: now.toISOString(),
      expiresAt: ttlAfterDays(now.getTime(), deps.auditRetentionDays),
    };
    const existing = (
      await ddb.send(
        new GetCommand({
          TableName: deps.listeningTable,
          Key: { period: item.period, sk: item.sk },
          ConsistentRead: true,
        }),
      )
    ).Item;
    if (existing) throw new HttpError(409, 'already-evaluated', 'this listen has an evaluation');
    await auditFirst({
      chain: `listens/${assignment.period}`,
      kind: 'evaluation',
      actor: `coach:${coachId}`,
      subject: contactId,
      at: now,
      data: {
        period: assignment.period,
        agentId: assignment.agentId,
        scores: body.scores,
        comment: body.comment !== undefined,
      },
    });
    const written = await putIfAbsent(ddb, {
      TableName: deps.listeningTable,
      Item: item,
      ConditionExpression: 'attribute_not_exists(sk)',
    });
    if (!written) throw new HttpError(409, 'already-evaluated', 'this listen has an evaluation');
    const { expiresAt: _ttl, sk: _sk, ...view } = item;
    return json(201, view);
  }

  return createRouter(
    [
      [API_ROUTES.coaching.propose, propose],
      [API_ROUTES.coaching.decide, decide],
      [API_ROUTES.coaching.evaluate, evaluate],
    ],
    { identity: deps.identity, logger },
  );
}
