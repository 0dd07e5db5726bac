/** Shared fixtures of the listening tests: identities, API events, items. */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ApiEvent } from '../../lambda/shared/http';
import type { AssignmentItem } from '../../lambda/shared/listening-items';
import type { IdentityConfig } from '../../lambda/shared/principal';
import { CONTACT_SK, type ContactItem, type ObjectItem, objectSk } from '../../lambda/shared/requests';

export const IDENTITY: IdentityConfig = {
  groupsClaim: 'cognito:groups',
  connectUserClaim: 'custom:connect_user_id',
  groups: { agent: 'agents', coach: 'coaches', dpo: 'dpo', staffRepresentative: 'reps' },
};

/** Deterministic UUIDs: uuid(1) = 00000000-0000-4000-8000-000000000001. */
export const uuid = (n: number, prefix = '0'): string =>
  `${prefix.repeat(8)}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

export type Persona = 'agent' | 'coach' | 'otherCoach' | 'staffRepresentative' | 'dpo' | 'none';

export const PEOPLE = {
  agent: uuid(1, 'a'),
  otherAgent: uuid(2, 'a'),
  coach: uuid(1, 'c'),
  otherCoach: uuid(2, 'c'),
} as const;

/** The Connect roster of these people: the agents in team-a, each coach in another team. */
export const ROSTER = {
  agents: [
    { agentId: PEOPLE.agent, team: 'team-a' },
    { agentId: PEOPLE.otherAgent, team: 'team-a' },
  ],
  coaches: [
    { coachId: PEOPLE.coach, team: 'team-b' },
    { coachId: PEOPLE.otherCoach, team: 'team-c' },
  ],
};

export function claimsOf(persona: Persona): Record<string, unknown> | undefined {
  switch (persona) {
    case 'agent':
      return { sub: 'sub-agent', 'cognito:groups': '[agents]', 'custom:connect_user_id': PEOPLE.agent };
    case 'coach':
      return { sub: 'sub-coach', 'cognito:groups': '[coaches]', 'custom:connect_user_id': PEOPLE.coach };
    case 'otherCoach':
      return {
        sub: 'sub-coach-2',
        'cognito:groups': '[coaches]',
        'custom:connect_user_id': PEOPLE.otherCoach,
      };
    case 'staffRepresentative':
      return { sub: 'sub-rep', 'cognito:groups': '[reps]' };
    case 'dpo':
      return { sub: 'sub-dpo', 'cognito:groups': '[dpo]' };
    case 'none':
      return undefined;
  }
}

export function apiEvent(
  routeKey: string,
  persona: Persona,
  options: {
    path?: Record<string, string>;
    query?: Record<string, string>;
    headers?: Record<string, string>;
    body?: unknown;
  } = {},
): ApiEvent {
  const claims = claimsOf(persona);
  return {
    routeKey,
    ...(options.headers ? { headers: options.headers } : {}),
    ...(claims ? { requestContext: { authorizer: { jwt: { claims } } } } : { requestContext: {} }),
    ...(options.path ? { pathParameters: options.path } : {}),
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  };
}

export async function putContact(
  ddb: DynamoDBDocumentClient,
  table: string,
  contact: { contactId: string; agentId: string; period: string; state?: ContactItem['state']; key?: string },
): Promise<void> {
  const item: ContactItem = {
    contactId: contact.contactId,
    sk: CONTACT_SK,
    agentId: contact.agentId,
    period: contact.period,
    state: contact.state ?? 'kept',
    updatedAt: '2026-11-10T10:00:00.000Z',
    expiresAt: 2_000_000_000,
  };
  await ddb.send(new PutCommand({ TableName: table, Item: item }));
  const key = contact.key ?? `connect/fairlisten/CallRecordings/${contact.contactId}.wav`;
  const object: ObjectItem = {
    contactId: contact.contactId,
    sk: objectSk(key),
    key,
    kind: 'call-recording',
    versionIds: ['null'],
    size: 44,
    updatedAt: '2026-11-10T10:00:00.000Z',
    expiresAt: 2_000_000_000,
  };
  await ddb.send(new PutCommand({ TableName: table, Item: object }));
}

export async function putAssignment(
  ddb: DynamoDBDocumentClient,
  table: string,
  a: Partial<AssignmentItem> & { contactId: string; period: string },
): Promise<AssignmentItem> {
  const item: AssignmentItem = {
    sk: `assign#${a.contactId}`,
    agentId: PEOPLE.agent,
    agentTeam: 'team-a',
    coachId: PEOPLE.coach,
    coachTeam: 'team-b',
    playsLeft: 2,
    playsAllowed: 2,
    plays: [],
    assignedAt: '2026-12-02T02:00:00.000Z',
    validUntil: '2026-12-31T23:00:00.000Z',
    expiresAt: 2_000_000_000,
    ...a,
  };
  await ddb.send(new PutCommand({ TableName: table, Item: item }));
  return item;
}

export const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
