import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { POLICY_SCHEMA_FILE, renderPolicySchema } from '../../../lib/cli/policy';
import { defaultPolicy, loadPolicy, PolicyError, parsePolicy } from '../../../lib/policy/load';
import { expectGeneratedDocFresh } from '../../support/generated-docs';

const dir = mkdtempSync(join(tmpdir(), 'policy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('recording policy', () => {
  it('applies the negotiated defaults', () => {
    const p = defaultPolicy();
    expect(p).toMatchObject({
      region: 'eu-central-1',
      timezone: 'Europe/Paris',
      samplingRate: 0.2,
      retentionDays: 90,
      maxRecordingsPerAgentPerMonth: 8,
      listensPerAgentPerMonth: { min: 2, max: 4 },
      maxListensPerCoachPerMonth: 40,
      playbackUrlTtlSeconds: 300,
      auditRetentionDays: 365,
      excludedAgents: [],
      excludedQueues: [],
    });
    expect(Object.isFrozen(p)).toBe(true);
  });

  it('loads the reviewed recording-policy.json', () => {
    const p = loadPolicy();
    expect(p.samplingRate).toBeLessThanOrEqual(0.3);
    expect(p.retentionDays).toBeLessThanOrEqual(90);
  });

  it.each([
    [{ samplingRate: 0.5 }, /^ {2}- samplingRate 0\.5 exceeds the hard limit 0\.30 \(C4\)$/m],
    [{ samplingRate: 0.300001 }, /samplingRate 0\.300001 exceeds the hard limit 0\.30 \(C4\)/],
    [{ samplingRate: 0 }, /samplingRate 0 must be greater than 0 \(C4\)/],
    [{ samplingRate: '0.2' }, /samplingRate must be a number, got "0\.2"/],
    [{ retentionDays: 120 }, /retentionDays 120 exceeds the hard limit 90 \(C3\)/],
    [{ retentionDays: 0 }, /retentionDays 0 is below the hard limit 2 \(C3\)/],
    // A daily sweep an hour late can leave a call's audio for 25 h: a 1-day limit cannot hold.
    [{ retentionDays: 1 }, /retentionDays 1 is below the hard limit 2 \(C3\)/],
    [{ retentionDays: 30.5 }, /retentionDays must be a whole number, got 30\.5/],
    [
      { region: 'eu-west-3' },
      /region eu-west-3 is in the EU but Amazon Connect does not exist there.*\(C3\)/,
    ],
    [{ region: 'us-east-1' }, /region us-east-1 is not an EU region.*\(C3\)/],
    [{ region: 'eu-west-2' }, /region eu-west-2 is not an EU region/],
    [
      { maxRecordingsPerAgentPerMonth: 0 },
      /maxRecordingsPerAgentPerMonth 0 is below the hard limit 1 \(C5\)/,
    ],
    [
      { maxRecordingsPerAgentPerMonth: 31 },
      /maxRecordingsPerAgentPerMonth 31 exceeds the hard limit 30 \(C5\)/,
    ],
    [
      { listensPerAgentPerMonth: { min: 3, max: 2 } },
      /listensPerAgentPerMonth\.min 3 is above .*max 2 \(C5\)/,
    ],
    [
      { listensPerAgentPerMonth: { min: 2, max: 9 } },
      /listensPerAgentPerMonth\.max 9 exceeds the hard limit 8/,
    ],
    [{ maxListensPerCoachPerMonth: 500 }, /maxListensPerCoachPerMonth 500 exceeds the hard limit 120 \(C8\)/],
    [{ playbackUrlTtlSeconds: 3600 }, /playbackUrlTtlSeconds 3600 exceeds the hard limit 300 \(C3\)/],
    [{ auditRetentionDays: 400 }, /auditRetentionDays 400 exceeds the hard limit 365 \(CNIL\)/],
    [{ coachingPlan: { maxDays: 90 } }, /coachingPlan\.maxDays 90 exceeds the hard limit 30 \(C5\)/],
    [{ timezone: 'Europe/Atlantis' }, /timezone "Europe\/Atlantis" is not an IANA time zone/],
    [{ excludedAgents: ['bob'] }, /excludedAgents\.0: "bob" is not a Connect id/],
    [
      {
        excludedQueues: Array.from(
          { length: 21 },
          (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
        ),
      },
      /excludedQueues has more than 20 entries/,
    ],
    [{ samplingRat: 0.2 }, /unknown field samplingRat \(not part of the policy schema\)/],
    [{ connect: { alias: 'x' } }, /unknown field alias in connect/],
    [
      { connect: { instanceAlias: 'x', contactLens: 'yes' } },
      /connect\.contactLens must be true or false, got "yes"/,
    ],
  ])('rejects %j', (input, message) => {
    expect(() => parsePolicy(input)).toThrow(PolicyError);
    expect(() => parsePolicy(input)).toThrow(message);
  });

  it('leaves Contact Lens off unless the policy chooses it', () => {
    expect(parsePolicy({}).connect.contactLens).toBe(false);
    expect(parsePolicy({ connect: { contactLens: true } }).connect.contactLens).toBe(true);
  });

  it('reports every problem at once', () => {
    try {
      parsePolicy({ samplingRate: 0.5, retentionDays: 120 });
      expect.unreachable();
    } catch (err) {
      expect((err as PolicyError).problems).toHaveLength(2);
    }
  });

  it('normalizes excluded ARNs to ids and removes duplicates', () => {
    const id = '11111111-2222-3333-4444-555555555555';
    const arn = `arn:aws:connect:eu-central-1:123456789012:instance/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee/agent/${id}`;
    expect(parsePolicy({ excludedAgents: [arn, id] }).excludedAgents).toEqual([id]);
  });

  it('names the file and the JSON problem', () => {
    const f = join(dir, 'broken.json');
    writeFileSync(f, '{ "samplingRate": 0.2,, }');
    expect(() => loadPolicy(f)).toThrow(/broken\.json:\n {2}- not valid JSON/);
    // The file once (first line), the cause once: no `ENOENT: ENOENT:`, no second copy of the path.
    expect(() => loadPolicy(join(dir, 'missing.json'))).toThrow(
      /missing\.json:\n {2}- cannot read the file: no such file or directory$/,
    );
  });

  it('keeps the committed JSON Schema in sync with the code', () => {
    expect(JSON.parse(readFileSync(POLICY_SCHEMA_FILE, 'utf8'))).toEqual(JSON.parse(renderPolicySchema()));
  });
});

describe('the configuration table of the operators’ docs', () => {
  it('is the one the schema generates', () => {
    expectGeneratedDocFresh('docs/operators/configuration.md');
  });
});
