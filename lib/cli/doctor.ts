/**
 * `fairlisten doctor`: what stands in the way of fairlisten on an Amazon Connect instance, read
 * through the Connect API with the SDK's default credentials, region and endpoint. Before
 * deployment give --instance-id; after, --outputs (the file `cdk deploy --outputs-file` wrote)
 * adds the checks of the inbound flow and queue. Exit 1 when a finding blocks.
 */
import { readFileSync } from 'node:fs';
import { ConnectClient } from '@aws-sdk/client-connect';
import { z } from 'zod';
import { type DoctorFinding, diagnose, type IdentityUser, readInstance } from '../deploy/doctor';
import { readStackOutputs } from '../deploy/outputs';
import { command, UsageError } from './_command';

const USAGE = `usage: fairlisten doctor (--instance-id ID | --outputs cdk-outputs.json [--stack NAME])
                         [--identity-users FILE] [--coach-group NAME] [--coach-sign-in-group NAME] [--region R]
  Reads the Connect instance (list and describe calls only) and reports, each on its own line:
    blocking  flows that turn recording on outside the lottery, the fairlisten queue in no routing
              profile, agents without a hierarchy group (team), no coaches hierarchy group,
              agents without a sign-in account carrying their Connect user id
    warning   phone numbers not routed to the fairlisten inbound flow, coaches outside the coaches
              sign-in group, unreadable flows
  --identity-users FILE  JSON array exported from the identity provider:
                         [{"username": "...", "connectUserId": "...", "groups": ["agents"]}]
  Exit 0 when nothing blocks, 1 when something does (or the instance cannot be read), 2 on usage.`;

const identityUsersSchema = z.array(
  z.object({
    username: z.string().min(1),
    connectUserId: z.string().min(1).optional(),
    groups: z.array(z.string()).default([]),
  }),
);

function readIdentityUsers(file: string): IdentityUser[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the identity users file ${file}: ${(err as Error).message}`);
  }
  const parsed = identityUsersSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `${file}: expected [{"username", "connectUserId", "groups"}]: ${parsed.error.issues[0]?.message}`,
    );
  }
  return parsed.data;
}

export function formatFinding(f: DoctorFinding): string {
  return `${f.severity.toUpperCase().padEnd(8)} ${f.code}: ${f.message}`;
}

export const cli = command({
  name: 'doctor',
  usage: USAGE,
  options: {
    'instance-id': { type: 'string' },
    outputs: { type: 'string' },
    stack: { type: 'string' },
    'identity-users': { type: 'string' },
    'coach-group': { type: 'string' },
    'coach-sign-in-group': { type: 'string' },
    region: { type: 'string' },
  },
  async run(values) {
    const outputs =
      typeof values.outputs === 'string'
        ? readStackOutputs(values.outputs, values.stack as string | undefined)
        : undefined;
    const instanceId = (values['instance-id'] as string | undefined) ?? outputs?.ConnectInstanceId;
    if (!instanceId) throw new UsageError('give --instance-id, or --outputs after deployment');
    const client = new ConnectClient(typeof values.region === 'string' ? { region: values.region } : {});
    let findings: DoctorFinding[];
    try {
      const snapshot = await readInstance(client, instanceId);
      findings = diagnose(snapshot, {
        inboundFlowArn: outputs?.InboundFlowArn,
        queueArn: outputs?.QueueArn,
        whisperFlowArn: outputs?.WhisperFlowArn,
        coachHierarchyGroupName: values['coach-group'] as string | undefined,
        coachIdentityGroup: values['coach-sign-in-group'] as string | undefined,
        identityUsers:
          typeof values['identity-users'] === 'string'
            ? readIdentityUsers(values['identity-users'])
            : undefined,
      });
    } finally {
      client.destroy();
    }
    for (const f of findings) (f.severity === 'info' ? console.log : console.error)(formatFinding(f));
    const blocking = findings.filter((f) => f.severity === 'blocking').length;
    const warnings = findings.filter((f) => f.severity === 'warning').length;
    console.log(
      `${blocking === 0 ? 'OK' : 'BLOCKED'}: ${blocking} blocking, ${warnings} warning${warnings === 1 ? '' : 's'} on instance ${instanceId}`,
    );
    return blocking > 0 ? 1 : 0;
  },
});
export const run = cli.run;
