/**
 * The roster of the listening service: who is an agent, who is a coach, and which
 * team each belongs to — read from Amazon Connect, the one source of truth for teams.
 *
 * Teams: the agent hierarchy group at the policy's `connect.teamHierarchyLevel` on the user's
 * hierarchy path (ListUsers → DescribeUser.HierarchyGroupId → DescribeUserHierarchyGroup.HierarchyPath).
 *
 * Coaches: users whose own hierarchy group sits *below* their team level and is named
 * `coachGroupName` (default `Coaches`, case-insensitive) — e.g. `Site / Team A / Coaches`. Why this
 * mechanism: the hierarchy is where Connect administrators already say who belongs to which team,
 * so team and role come from one place, every change is in Connect's own audit trail (CloudTrail),
 * no second list (a table the DPO would have to keep in sync) can drift from it, and it is the part
 * of the Connect API the local stand-in models. Security profiles or user tags would also work but
 * would need extra calls and permissions and cannot be exercised locally. The API's `coach` token
 * group is a separate check (who may call the coach routes); a person needs both to listen.
 *
 * Users without a hierarchy group, or whose path does not reach the team level, are not placed
 * (counted in `unplaced`): an agent without a team cannot be cross-listened (C10), so gets no listen.
 */
import {
  type ConnectClient,
  DescribeUserCommand,
  DescribeUserHierarchyGroupCommand,
  type HierarchyGroup,
  ListUsersCommand,
} from '@aws-sdk/client-connect';
import { HIERARCHY_LEVELS, type HierarchyLevel } from '../core/policy';
import { DEFAULT_COACH_GROUP_NAME } from './listening-config';

export type { HierarchyLevel };

export interface Roster {
  /** Agents (Connect user id) and their team (hierarchy group id at the team level). */
  readonly agents: readonly { agentId: string; team: string }[];
  readonly coaches: readonly { coachId: string; team: string }[];
  /** Team id → hierarchy group name (for the council's report; names of groups, not of people). */
  readonly teamNames: Readonly<Record<string, string>>;
  /** Users that could not be placed in a team. */
  readonly unplaced: number;
}

export interface RosterOptions {
  readonly connect: Pick<ConnectClient, 'send'>;
  readonly instanceId: string;
  readonly teamLevel: HierarchyLevel;
  /** @default 'Coaches' */
  readonly coachGroupName?: string;
  /** Parallel DescribeUser calls (Connect throttles its API per account). @default 4 */
  readonly concurrency?: number;
}

/** Where a user's hierarchy group places them; undefined when it does not reach the team level. */
export function placeInHierarchy(
  group: Pick<HierarchyGroup, 'Id' | 'Name' | 'HierarchyPath'>,
  teamLevel: HierarchyLevel,
  coachGroupName: string = DEFAULT_COACH_GROUP_NAME,
): { team: string; teamName: string; coach: boolean } | undefined {
  const path = group.HierarchyPath ?? {};
  const team = path[teamLevel];
  if (!team?.Id) return undefined;
  const teamDepth = HIERARCHY_LEVELS.indexOf(teamLevel);
  let ownDepth = -1;
  HIERARCHY_LEVELS.forEach((level, i) => {
    if (path[level]?.Id === group.Id) ownDepth = i;
  });
  const coach =
    ownDepth > teamDepth && (group.Name ?? '').trim().toLowerCase() === coachGroupName.trim().toLowerCase();
  return { team: team.Id, teamName: team.Name ?? team.Id, coach };
}

/** Reads the whole roster from Connect (paged ListUsers, one DescribeUser per user, groups cached). */
export async function loadRoster(options: RosterOptions): Promise<Roster> {
  const { connect, instanceId, teamLevel } = options;
  const coachGroupName = options.coachGroupName ?? DEFAULT_COACH_GROUP_NAME;
  const concurrency = Math.max(1, options.concurrency ?? 4);

  const userIds: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await connect.send(
      new ListUsersCommand({ InstanceId: instanceId, MaxResults: 100, NextToken }),
    );
    for (const u of page.UserSummaryList ?? []) if (u.Id) userIds.push(u.Id);
    NextToken = page.NextToken;
  } while (NextToken);

  const groups = new Map<string, Promise<HierarchyGroup | undefined>>();
  const groupOf = (id: string) => {
    let g = groups.get(id);
    if (!g) {
      g = connect
        .send(new DescribeUserHierarchyGroupCommand({ InstanceId: instanceId, HierarchyGroupId: id }))
        .then((out) => out.HierarchyGroup);
      groups.set(id, g);
    }
    return g;
  };

  const agents: { agentId: string; team: string }[] = [];
  const coaches: { coachId: string; team: string }[] = [];
  const teamNames: Record<string, string> = {};
  let unplaced = 0;
  let next = 0;
  const worker = async () => {
    while (next < userIds.length) {
      const userId = userIds[next++]!;
      const { User } = await connect.send(
        new DescribeUserCommand({ InstanceId: instanceId, UserId: userId }),
      );
      const groupId = User?.HierarchyGroupId;
      const group = groupId ? await groupOf(groupId) : undefined;
      const place = group ? placeInHierarchy(group, teamLevel, coachGroupName) : undefined;
      if (!place) {
        unplaced++;
        continue;
      }
      teamNames[place.team] = place.teamName;
      if (place.coach) coaches.push({ coachId: userId, team: place.team });
      else agents.push({ agentId: userId, team: place.team });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, userIds.length) }, worker));
  const byId =
    <T>(key: (t: T) => string) =>
    (a: T, b: T) =>
      key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
  agents.sort(byId((a) => a.agentId));
  coaches.sort(byId((c) => c.coachId));
  return { agents, coaches, teamNames, unplaced };
}

/** The teams of one coach and one agent in `roster` (undefined: not placed as such). */
export function teamsOf(
  roster: Pick<Roster, 'agents' | 'coaches'>,
  ids: { coachId: string; agentId: string },
): { coachTeam?: string; agentTeam?: string } {
  return {
    coachTeam: roster.coaches.find((c) => c.coachId === ids.coachId)?.team,
    agentTeam: roster.agents.find((a) => a.agentId === ids.agentId)?.team,
  };
}
