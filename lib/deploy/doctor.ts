/**
 * `fairlisten doctor`: reads an Amazon Connect instance through the Connect API and says what
 * would go wrong when fairlisten takes it over (before deployment) or what is still not wired
 * (after). Reading and judging are apart: `readInstance` only calls list/describe operations,
 * `diagnose` is a pure function of what was read.
 */
import {
  type ConnectClient,
  DescribeContactFlowCommand,
  DescribeUserCommand,
  paginateListContactFlows,
  paginateListFlowAssociations,
  paginateListPhoneNumbers,
  paginateListQueues,
  paginateListRoutingProfileQueues,
  paginateListRoutingProfiles,
  paginateListUserHierarchyGroups,
  paginateListUsers,
} from '@aws-sdk/client-connect';
import { describeFlow } from '../flows/describe';

export interface InstanceSnapshot {
  readonly flows: ReadonlyArray<{ id: string; arn: string; name: string; type: string; content: string }>;
  readonly queues: ReadonlyArray<{ id: string; arn: string; name: string }>;
  readonly routingProfiles: ReadonlyArray<{ id: string; name: string; queueIds: readonly string[] }>;
  readonly phoneNumbers: ReadonlyArray<{ id: string; number: string; flowId?: string }>;
  readonly users: ReadonlyArray<{
    id: string;
    username: string;
    hierarchyGroupId?: string;
    routingProfileId?: string;
  }>;
  readonly hierarchyGroups: ReadonlyArray<{ id: string; name: string }>;
}

/** A person as the identity provider knows them (an export of its users). */
export interface IdentityUser {
  readonly username: string;
  /** Value of the Connect user id claim (e.g. `custom:connect_user_id`). */
  readonly connectUserId?: string;
  readonly groups: readonly string[];
}

export interface DoctorExpectations {
  /** After deployment: the fairlisten inbound flow and queue (stack outputs). */
  readonly inboundFlowArn?: string;
  readonly queueArn?: string;
  /**
   * After deployment: the fairlisten whisper flow (stack output). With Contact Lens on, its one
   * recording block runs behind the sampler's `record=true` only, and is not reported.
   */
  readonly whisperFlowArn?: string;
  /** Connect hierarchy group whose members are coaches. @default 'Coaches' */
  readonly coachHierarchyGroupName?: string;
  /** Identity-provider group of coaches (policy identity.groups.coach). @default 'coaches' */
  readonly coachIdentityGroup?: string;
  /** When given, the identity side is checked too. */
  readonly identityUsers?: readonly IdentityUser[];
}

export type Severity = 'blocking' | 'warning' | 'info';

export interface DoctorFinding {
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
}

const PAGE = { pageSize: 100 } as const;

/** Everything `diagnose` needs, read with list/describe calls only. */
export async function readInstance(client: ConnectClient, instanceId: string): Promise<InstanceSnapshot> {
  const flows: Array<InstanceSnapshot['flows'][number]> = [];
  for await (const page of paginateListContactFlows({ client, ...PAGE }, { InstanceId: instanceId })) {
    for (const f of page.ContactFlowSummaryList ?? []) {
      const described = await client.send(
        new DescribeContactFlowCommand({ InstanceId: instanceId, ContactFlowId: f.Id }),
      );
      flows.push({
        id: f.Id ?? '',
        arn: f.Arn ?? '',
        name: f.Name ?? '',
        type: f.ContactFlowType ?? '',
        content: described.ContactFlow?.Content ?? '',
      });
    }
  }
  const queues: Array<InstanceSnapshot['queues'][number]> = [];
  for await (const page of paginateListQueues(
    { client, ...PAGE },
    { InstanceId: instanceId, QueueTypes: ['STANDARD'] },
  )) {
    for (const q of page.QueueSummaryList ?? [])
      queues.push({ id: q.Id ?? '', arn: q.Arn ?? '', name: q.Name ?? '' });
  }
  const routingProfiles: Array<InstanceSnapshot['routingProfiles'][number]> = [];
  for await (const page of paginateListRoutingProfiles({ client, ...PAGE }, { InstanceId: instanceId })) {
    for (const r of page.RoutingProfileSummaryList ?? []) {
      const queueIds: string[] = [];
      for await (const qp of paginateListRoutingProfileQueues(
        { client, ...PAGE },
        { InstanceId: instanceId, RoutingProfileId: r.Id },
      )) {
        for (const q of qp.RoutingProfileQueueConfigSummaryList ?? [])
          if (q.QueueId) queueIds.push(q.QueueId);
      }
      routingProfiles.push({ id: r.Id ?? '', name: r.Name ?? '', queueIds });
    }
  }
  const flowOfNumber = new Map<string, string>();
  for await (const page of paginateListFlowAssociations(
    { client, ...PAGE },
    { InstanceId: instanceId, ResourceType: 'VOICE_PHONE_NUMBER' },
  )) {
    for (const a of page.FlowAssociationSummaryList ?? []) {
      if (a.ResourceId && a.FlowId) flowOfNumber.set(a.ResourceId, a.FlowId);
    }
  }
  const phoneNumbers: Array<InstanceSnapshot['phoneNumbers'][number]> = [];
  for await (const page of paginateListPhoneNumbers({ client, ...PAGE }, { InstanceId: instanceId })) {
    for (const n of page.PhoneNumberSummaryList ?? []) {
      const flowId = n.Id ? flowOfNumber.get(n.Id) : undefined;
      phoneNumbers.push({ id: n.Id ?? '', number: n.PhoneNumber ?? '', ...(flowId ? { flowId } : {}) });
    }
  }
  const users: Array<InstanceSnapshot['users'][number]> = [];
  for await (const page of paginateListUsers({ client, ...PAGE }, { InstanceId: instanceId })) {
    for (const u of page.UserSummaryList ?? []) {
      const { User } = await client.send(new DescribeUserCommand({ InstanceId: instanceId, UserId: u.Id }));
      users.push({
        id: u.Id ?? '',
        username: u.Username ?? '',
        ...(User?.HierarchyGroupId ? { hierarchyGroupId: User.HierarchyGroupId } : {}),
        ...(User?.RoutingProfileId ? { routingProfileId: User.RoutingProfileId } : {}),
      });
    }
  }
  const hierarchyGroups: Array<InstanceSnapshot['hierarchyGroups'][number]> = [];
  for await (const page of paginateListUserHierarchyGroups({ client, ...PAGE }, { InstanceId: instanceId })) {
    for (const g of page.UserHierarchyGroupSummaryList ?? [])
      hierarchyGroups.push({ id: g.Id ?? '', name: g.Name ?? '' });
  }
  return { flows, queues, routingProfiles, phoneNumbers, users, hierarchyGroups };
}

const idOfArn = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

/** What would break, or is not wired yet. Pure: the same snapshot gives the same findings. */
export function diagnose(instance: InstanceSnapshot, expect: DoctorExpectations = {}): DoctorFinding[] {
  const findings: DoctorFinding[] = [];
  const add = (severity: Severity, code: string, message: string) =>
    findings.push({ severity, code, message });

  // Flows that switch recording on record outside the lottery: once the instance's recording
  // storage is fairlisten's bucket, ingest deletes every such recording as unauthorized.
  for (const flow of instance.flows) {
    let facts: ReturnType<typeof describeFlow>;
    try {
      facts = describeFlow(flow.content);
    } catch (err) {
      add(
        'warning',
        'FLOW-UNREADABLE',
        `flow "${flow.name}" (${flow.id}) could not be read: ${(err as Error).message.split('\n')[0]}`,
      );
      continue;
    }
    // fairlisten's own whisper flow may record (Contact Lens) for contacts the sampler drew only.
    const ours = expect.whisperFlowArn !== undefined && flow.id === idOfArn(expect.whisperFlowArn);
    const on = facts.recording.actions.filter((a) => a.sets === 'on' && !(ours && a.drawnOnly));
    if (on.length > 0) {
      add(
        'blocking',
        'FLOW-RECORDS',
        `flow "${flow.name}" (${flow.type}) turns recording on in action ${on.map((a) => a.actionId).join(', ')}: outside the lottery; once fairlisten owns the recording storage, ingest deletes these recordings as unauthorized. Remove the "Set recording and analytics behavior" block or set it to off.`,
      );
    }
  }

  if (expect.inboundFlowArn) {
    const inboundId = idOfArn(expect.inboundFlowArn);
    for (const n of instance.phoneNumbers) {
      if (n.flowId !== inboundId) {
        add(
          'warning',
          'NUMBER-NOT-ROUTED',
          `phone number ${n.number} ${n.flowId ? `starts in flow ${n.flowId}` : 'has no flow'}, not the fairlisten inbound flow: its callers hear no recording notice and are never drawn.`,
        );
      }
    }
  }
  if (expect.queueArn) {
    const queueId = idOfArn(expect.queueArn);
    if (!instance.routingProfiles.some((r) => r.queueIds.includes(queueId))) {
      add(
        'blocking',
        'QUEUE-UNROUTED',
        `the fairlisten queue ${queueId} is in no routing profile: its calls reach no agent.`,
      );
    }
  }

  const groupName = new Map(instance.hierarchyGroups.map((g) => [g.id, g.name] as const));
  const coachGroup = expect.coachHierarchyGroupName ?? 'Coaches';
  if (!instance.hierarchyGroups.some((g) => g.name === coachGroup)) {
    add(
      'blocking',
      'NO-COACH-GROUP',
      `no hierarchy group named "${coachGroup}": no coach can be assigned a listen.`,
    );
  }
  for (const u of instance.users) {
    if (!u.hierarchyGroupId) {
      add(
        'blocking',
        'AGENT-NO-TEAM',
        `user ${u.username} has no hierarchy group: listens cannot be assigned across teams for them.`,
      );
    }
  }

  if (expect.identityUsers) {
    const byConnectId = new Map(
      expect.identityUsers.flatMap((p) => (p.connectUserId ? [[p.connectUserId, p] as const] : [])),
    );
    const coachIdentityGroup = expect.coachIdentityGroup ?? 'coaches';
    for (const u of instance.users) {
      const person = byConnectId.get(u.id);
      if (!person) {
        add(
          'blocking',
          'AGENT-NO-IDENTITY',
          `user ${u.username} has no sign-in account carrying their Connect user id: they cannot suspend or delete their recordings.`,
        );
        continue;
      }
      const isCoach = u.hierarchyGroupId !== undefined && groupName.get(u.hierarchyGroupId) === coachGroup;
      if (isCoach && !person.groups.includes(coachIdentityGroup)) {
        add(
          'warning',
          'COACH-NOT-IN-GROUP',
          `user ${u.username} is in the "${coachGroup}" hierarchy group but not in the "${coachIdentityGroup}" sign-in group: they cannot open their assigned listens.`,
        );
      }
      if (!isCoach && person.groups.includes(coachIdentityGroup)) {
        add(
          'warning',
          'COACH-OUTSIDE-HIERARCHY',
          `sign-in account ${person.username} is in "${coachIdentityGroup}" but its Connect user is not in the "${coachGroup}" hierarchy group: it is never assigned a listen.`,
        );
      }
    }
    const known = new Set(instance.users.map((u) => u.id));
    for (const p of expect.identityUsers) {
      if (p.connectUserId && !known.has(p.connectUserId)) {
        add(
          'warning',
          'IDENTITY-UNKNOWN-USER',
          `sign-in account ${p.username} names Connect user ${p.connectUserId}, which this instance does not have.`,
        );
      }
    }
  } else {
    add(
      'info',
      'IDENTITY-NOT-CHECKED',
      'sign-in accounts not checked: give --identity-users FILE (an export of the identity provider users) to check them.',
    );
  }
  return findings;
}
