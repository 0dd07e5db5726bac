import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../../lib/cli/doctor';
import { diagnose, type InstanceSnapshot } from '../../../lib/deploy/doctor';
import { STACK_OUTPUTS } from '../../../lib/deploy/outputs';
import { renderWhisperFlow } from '../../../lib/flows/render';
import {
  ConnectStandIn,
  connectEnv,
  type FlowSeed,
  type RunningConnect,
} from '../../../lib/local/connect-standin';
import { runCaptured } from '../../support/console';
import { withEnv } from '../../support/local';

const INSTANCE = '9c7e2a52-5f4b-4f3e-9a55-0d6c9f5b1c11';
const ARN = `arn:aws:connect:eu-central-1:000000000000:instance/${INSTANCE}`;
const corpus = (name: string) =>
  readFileSync(new URL(`../flows/corpus/${name}.fixture`, import.meta.url), 'utf8');

/** Real exported flows: two record (an inbound sample, an outbound flow), two do not, one is legacy. */
const FLOWS: FlowSeed[] = [
  {
    id: 'f-cdk-inbound',
    name: 'cdk sample inbound',
    type: 'CONTACT_FLOW',
    content: corpus('cdk-constructs_inbound-contact-flow.json'),
  },
  {
    id: 'f-acme-outbound',
    name: 'acme outbound 1',
    type: 'CONTACT_FLOW',
    content: corpus('gitlab-cicd_acme_outbound_flow1_AUTO.content.json'),
  },
  {
    id: 'f-acme-queue',
    name: 'acme queue transfer',
    type: 'CONTACT_FLOW',
    content: corpus('gitlab-cicd_acme_queue_transfer_AUTO.content.json'),
  },
  {
    id: 'f-fairlisten',
    name: 'fairlisten inbound',
    type: 'CONTACT_FLOW',
    content: corpus('rules-engine_RulesEngineQueue.json'),
  },
  {
    id: 'f-legacy',
    name: 'legacy export',
    type: 'CONTACT_FLOW',
    content: corpus('LEGACY-format_snippets_ContextTracking-Main.json'),
  },
];

const seed = {
  instanceId: INSTANCE,
  flows: FLOWS,
  queues: [
    { id: 'q-fairlisten', name: 'fairlisten' },
    { id: 'q-sales', name: 'sales' },
  ],
  routingProfiles: [{ id: 'rp-sales', name: 'Sales', queueIds: ['q-sales'] }],
  phoneNumbers: [
    { id: 'pn-1', number: '+33100000001', flowId: 'f-fairlisten' },
    { id: 'pn-2', number: '+33100000002', flowId: 'f-cdk-inbound' },
    { id: 'pn-3', number: '+33100000003' },
  ],
  hierarchyGroups: [
    { id: 'g-a', name: 'Team A', level: 1 as const },
    { id: 'g-coaches', name: 'Coaches', level: 1 as const },
  ],
  users: [
    { id: 'u-anne', username: 'anne', hierarchyGroupId: 'g-a', routingProfileId: 'rp-sales' },
    { id: 'u-bob', username: 'bob', routingProfileId: 'rp-sales' },
    { id: 'u-carla', username: 'carla', hierarchyGroupId: 'g-coaches' },
  ],
};

let connect: RunningConnect;
const dir = mkdtempSync(join(tmpdir(), 'fairlisten-doctor-'));
beforeAll(async () => {
  connect = await new ConnectStandIn(seed).start();
});
afterAll(async () => {
  await connect.stop();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => vi.restoreAllMocks());

const env = () => ({
  ...connectEnv(connect.endpoint),
  AWS_REGION: 'eu-central-1',
  AWS_ACCESS_KEY_ID: 'x',
  AWS_SECRET_ACCESS_KEY: 'x',
});

async function doctor(args: string[]): Promise<{ code: number; lines: string[] }> {
  return runCaptured(() => withEnv(env(), () => run(args)));
}

function outputsFile(): string {
  const file = join(dir, 'cdk-outputs.json');
  const values = Object.fromEntries(Object.keys(STACK_OUTPUTS).map((k) => [k, `deployed-${k}`]));
  writeFileSync(
    file,
    JSON.stringify({
      Fairlisten: {
        ...values,
        ConnectInstanceId: INSTANCE,
        InboundFlowArn: `${ARN}/contact-flow/f-fairlisten`,
        QueueArn: `${ARN}/queue/q-fairlisten`,
      },
    }),
  );
  return file;
}

describe('fairlisten doctor against the Connect stand-in', () => {
  it('before deployment: names each flow that records outside the lottery, and agents without a team', async () => {
    const { code, lines } = await doctor(['--instance-id', INSTANCE]);
    expect(code).toBe(1);
    const text = lines.join('\n');
    expect(
      lines.filter((l) => l.startsWith('BLOCKING FLOW-RECORDS')).map((l) => /flow "([^"]+)"/.exec(l)?.[1]),
    ).toEqual(['cdk sample inbound', 'acme outbound 1']);
    expect(text).toMatch(
      /^WARNING +FLOW-UNREADABLE: flow "legacy export" \(f-legacy\) could not be read: .*legacy/m,
    );
    expect(text).toMatch(/^BLOCKING AGENT-NO-TEAM: user bob has no hierarchy group/m);
    expect(text).not.toMatch(/AGENT-NO-TEAM: user anne/);
    // Without outputs there is no inbound flow or queue to check yet.
    expect(text).not.toMatch(/NUMBER-NOT-ROUTED|QUEUE-UNROUTED/);
    expect(text).toMatch(/^INFO +IDENTITY-NOT-CHECKED/m);
    expect(lines.at(-1)).toBe(`BLOCKED: 3 blocking, 1 warning on instance ${INSTANCE}`);
  });

  it('after deployment (--outputs): numbers not routed to the inbound flow, the queue in no routing profile', async () => {
    const { lines } = await doctor(['--outputs', outputsFile()]);
    const text = lines.join('\n');
    expect(text).toMatch(
      /^WARNING +NUMBER-NOT-ROUTED: phone number \+33100000002 starts in flow f-cdk-inbound/m,
    );
    expect(text).toMatch(/^WARNING +NUMBER-NOT-ROUTED: phone number \+33100000003 has no flow/m);
    expect(text).not.toMatch(/\+33100000001/);
    expect(text).toMatch(
      /^BLOCKING QUEUE-UNROUTED: the fairlisten queue q-fairlisten is in no routing profile/m,
    );
  });

  it('checks sign-in accounts against Connect users and the coaches group', async () => {
    const users = join(dir, 'identity.json');
    writeFileSync(
      users,
      JSON.stringify([
        { username: 'anne@idp', connectUserId: 'u-anne', groups: ['agents', 'coaches'] },
        { username: 'carla@idp', connectUserId: 'u-carla', groups: ['agents'] },
        { username: 'ghost@idp', connectUserId: 'u-ghost', groups: ['agents'] },
      ]),
    );
    const text = (await doctor(['--instance-id', INSTANCE, '--identity-users', users])).lines.join('\n');
    expect(text).toMatch(/^BLOCKING AGENT-NO-IDENTITY: user bob has no sign-in account/m);
    expect(text).toMatch(/^WARNING +COACH-NOT-IN-GROUP: user carla is in the "Coaches" hierarchy group/m);
    expect(text).toMatch(/^WARNING +COACH-OUTSIDE-HIERARCHY: sign-in account anne@idp is in "coaches"/m);
    expect(text).toMatch(
      /^WARNING +IDENTITY-UNKNOWN-USER: sign-in account ghost@idp names Connect user u-ghost/m,
    );
  });

  it("passes fairlisten's own whisper flow with Contact Lens (drawn contacts only), not a copy of it elsewhere", () => {
    const whisper = renderWhisperFlow({
      samplerFunctionArn: 'arn:aws:lambda:eu-central-1:111111111111:function:sampler',
      contactLens: {},
    });
    const snapshot = (id: string): InstanceSnapshot => ({
      flows: [{ id, arn: `${ARN}/contact-flow/${id}`, name: id, type: 'AGENT_WHISPER', content: whisper }],
      queues: [],
      routingProfiles: [],
      phoneNumbers: [],
      users: [],
      hierarchyGroups: [{ id: 'g', name: 'Coaches' }],
    });
    const expectations = { whisperFlowArn: `${ARN}/contact-flow/f-whisper` };
    expect(diagnose(snapshot('f-whisper'), expectations).filter((f) => f.code === 'FLOW-RECORDS')).toEqual(
      [],
    );
    expect(diagnose(snapshot('f-copy'), expectations).map((f) => f.code)).toContain('FLOW-RECORDS');
  });

  it('finds recording turned on by the successor block ("Set recording, analytics and processing behavior")', () => {
    const content = JSON.stringify({
      Version: '2019-10-30',
      StartAction: 'a',
      Actions: [
        {
          Identifier: 'a',
          Type: 'UpdateContactRecordingAndAnalyticsBehavior',
          Parameters: {
            VoiceBehavior: { VoiceRecordingBehavior: { RecordedParticipants: ['Agent', 'Customer'] } },
          },
          Transitions: { NextAction: 'b', Errors: [] },
        },
        { Identifier: 'b', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
      ],
    });
    const findings = diagnose({
      flows: [{ id: 'f', arn: `${ARN}/contact-flow/f`, name: 'records all', type: 'CONTACT_FLOW', content }],
      queues: [],
      routingProfiles: [],
      phoneNumbers: [],
      users: [],
      hierarchyGroups: [{ id: 'g', name: 'Coaches' }],
    });
    expect(findings.find((f) => f.code === 'FLOW-RECORDS')?.message).toMatch(/"records all".*in action a/);
  });

  it('exits 0 on a clean instance, 2 without an instance, 1 when the instance cannot be read', async () => {
    const clean: InstanceSnapshot = {
      flows: [
        {
          id: 'f',
          arn: `${ARN}/contact-flow/f`,
          name: 'q',
          type: 'CONTACT_FLOW',
          content: FLOWS[2]!.content,
        },
      ],
      queues: [{ id: 'q-fairlisten', arn: `${ARN}/queue/q-fairlisten`, name: 'fairlisten' }],
      routingProfiles: [{ id: 'rp', name: 'all', queueIds: ['q-fairlisten'] }],
      phoneNumbers: [{ id: 'pn', number: '+331', flowId: 'f-fairlisten' }],
      users: [{ id: 'u', username: 'u', hierarchyGroupId: 'g' }],
      hierarchyGroups: [{ id: 'g', name: 'Coaches' }],
    };
    const findings = diagnose(clean, {
      inboundFlowArn: `${ARN}/contact-flow/f-fairlisten`,
      queueArn: `${ARN}/queue/q-fairlisten`,
      identityUsers: [{ username: 'u', connectUserId: 'u', groups: ['coaches'] }],
    });
    expect(findings).toEqual([]);
    expect((await doctor([])).code).toBe(2);
    const missing = await doctor(['--instance-id', 'not-this-instance']);
    expect(missing.code).toBe(1);
    expect(missing.lines.join('\n')).toMatch(/not-this-instance not found/);
  });
});
