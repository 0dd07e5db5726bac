import { beforeAll, describe, expect, it } from 'vitest';
import { bucketAccessCheck, CHECKS, tableReadersCheck } from '../../../lib/report/checks';
import { recordingReaders, seedsReaders } from '../../../lib/report/checks/access';
import { buildReport } from '../../../lib/report/engine';
import type { StackView } from '../../../lib/report/template';
import type { Check, ComplianceReport } from '../../../lib/report/types';
import { expectGeneratedDocFresh } from '../../support/generated-docs';
import { awaiting, awaitingIds, withLeadChanges } from '../../support/report-awaiting';
import { type Json, loadAssembly, type Mutable, mutated, synthAssembly } from '../../support/report-fixture';

const dir = synthAssembly();
let base: StackView[];
beforeAll(() => {
  base = loadAssembly(dir);
});

const report = (stacks: readonly StackView[], checks?: readonly Check[]) =>
  buildReport(stacks, checks ? { checks } : {});
const failing = (r: ComplianceReport) => r.checks.filter((c) => c.status === 'fail').map((c) => c.id);
const result = (r: ComplianceReport, id: string) => r.checks.find((c) => c.id === id)!;
/** The template with the awaited construct changes, then `mutate`: only the mutation can make a row fail. */
const reportAfter = (mutate: (m: Mutable) => void) =>
  report(
    mutated(base, (m) => {
      withLeadChanges(m);
      mutate(m);
    }),
  );

describe('the real synthesized template', () => {
  it('passes every check but those awaiting a construct change (test/lib/report/awaiting.ts), which fail for that reason', () => {
    const r = report(base);
    expect(
      failing(r).sort(),
      JSON.stringify(
        r.checks.filter((c) => c.status === 'fail'),
        null,
        1,
      ),
    ).toEqual(awaitingIds(base));
    for (const a of awaiting(base)) for (const id of a.ids) expect(result(r, id).detail).toMatch(a.detail);
    expect(r.summary.status).toBe(awaitingIds(base).length === 0 ? 'pass' : 'fail');
    expect([...r.checks.map((c) => c.id), ...r.notApplicable.map((n) => n.id)].sort()).toEqual(
      CHECKS.map((c) => c.id).sort(),
    );
    for (const n of r.notApplicable) {
      const role = CHECKS.find((c) => c.id === n.id)!.onlyWhenRole!;
      expect(base.some((s) => s.withRole(role).length > 0)).toBe(false);
    }
  });

  it('passes every check once the awaited construct changes are made', () => {
    const r = report(mutated(base, withLeadChanges));
    expect(
      failing(r),
      JSON.stringify(
        r.checks.filter((c) => c.status === 'fail'),
        null,
        1,
      ),
    ).toEqual([]);
  });

  it('has unique ids, a concern and evidence for every check', () => {
    const r = report(base);
    expect(new Set(CHECKS.map((c) => c.id)).size).toBe(CHECKS.length);
    for (const c of r.checks) {
      expect(c.id).toMatch(/^[A-Z][A-Z0-9-]+$/);
      if (c.id !== 'NAG-ACKNOWLEDGEMENTS') expect(c.evidence.length, c.id).toBeGreaterThan(0);
    }
  });

  it('reads the deployed values: 90-day retention, rate 0.2, the sampler timeout under the 3 s limit', () => {
    const r = report(base);
    const values = (id: string) => result(r, id).evidence.map((e) => e.value);
    expect(values('REC-RETENTION')).toContainEqual({
      expirationDays: 87,
      noncurrentDays: 1,
      worstCaseDays: 90,
      policyRetentionDays: 90,
    });
    expect(values('SAMPLING-RATE')).toEqual([0.2]);
    expect(values('FLOW-WHISPER-LAMBDA')).toContain(2);
  });

  it('lists the acknowledgements with rule, resource and reason', () => {
    const r = report(base);
    expect(r.acknowledgements.length).toBeGreaterThan(10);
    expect(r.acknowledgements).toContainEqual(
      expect.objectContaining({
        ruleId: 'AwsSolutions-IAM5[Resource::*]',
        logicalId: expect.stringMatching(/^SamplingFunctionRole/),
      }),
    );
    for (const a of r.acknowledgements) expect(a.reason.length).toBeGreaterThan(20);
  });
});

describe('mutated templates fail the right check', () => {
  const cases: Array<[string, string, (m: Mutable) => void]> = [
    [
      'lifecycle of 120 days',
      'REC-RETENTION',
      (m) => {
        m.props('bucket:recordings').LifecycleConfiguration.Rules[0].ExpirationInDays = 120;
      },
    ],
    [
      'expiration rule narrowed by a prefix',
      'REC-RETENTION',
      (m) => {
        m.props('bucket:recordings').LifecycleConfiguration.Rules[0].Prefix = 'connect/';
      },
    ],
    [
      'no noncurrent version expiration',
      'REC-RETENTION',
      (m) => {
        delete m.props('bucket:recordings').LifecycleConfiguration.Rules[0].NoncurrentVersionExpiration;
      },
    ],
    [
      'no delete-marker rule',
      'REC-RETENTION',
      (m) => {
        m.props('bucket:recordings').LifecycleConfiguration.Rules.pop();
      },
    ],
    [
      'no multipart abort',
      'REC-RETENTION',
      (m) => {
        delete m.props('bucket:recordings').LifecycleConfiguration.Rules[0].AbortIncompleteMultipartUpload;
      },
    ],
    [
      'versioning suspended',
      'REC-VERSIONING',
      (m) => {
        m.props('bucket:recordings').VersioningConfiguration.Status = 'Suspended';
      },
    ],
    [
      'key rotation off',
      'REC-ENCRYPTION',
      (m) => {
        m.props('key:recordings').EnableKeyRotation = false;
      },
    ],
    [
      'SSE-S3 instead of KMS',
      'REC-ENCRYPTION',
      (m) => {
        m.props(
          'bucket:recordings',
        ).BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault = {
          SSEAlgorithm: 'AES256',
        };
      },
    ],
    [
      'one public access flag off',
      'REC-PUBLIC-ACCESS',
      (m) => {
        m.props('bucket:recordings').PublicAccessBlockConfiguration.RestrictPublicBuckets = false;
      },
    ],
    [
      'TLS statement removed',
      'REC-TLS-ONLY',
      (m) => {
        const doc = m.recordingsPolicy();
        doc.Statement = doc.Statement.filter((s: Json) => !s.Condition?.Bool);
      },
    ],
    [
      'access logs that never expire',
      'REC-ACCESS-LOGS',
      (m) => {
        delete m.props('bucket:access-logs').LifecycleConfiguration;
      },
    ],
    [
      'recording behaviour enabled in the inbound flow',
      'FLOW-RECORDING-OFF',
      (m) => {
        m.editFlow('flow:inbound', (p) =>
          p.replace('"RecordedParticipants":[]', '"RecordedParticipants":["Agent","Customer"]'),
        );
      },
    ],
    [
      'notice text without "record"',
      'FLOW-NOTICE',
      (m) => {
        m.editFlow('flow:inbound', (p) => p.replace(/enregistré|recorded/g, 'servi'));
      },
    ],
    [
      'whisper time limit 8',
      'FLOW-WHISPER-LAMBDA',
      (m) => {
        m.editFlow('flow:whisper', (p) =>
          p.replace('"InvocationTimeLimitSeconds":"3"', '"InvocationTimeLimitSeconds":"8"'),
        );
      },
    ],
    [
      'sampler timeout not below the flow limit',
      'FLOW-WHISPER-LAMBDA',
      (m) => {
        m.props('function:sampler').Timeout = 3;
      },
    ],
    [
      'sampling rate 0.5 in the sampler env',
      'SAMPLING-RATE',
      (m) => {
        const env = m.props('function:sampler').Environment.Variables;
        env.FAIRLISTEN_POLICY = JSON.stringify({ ...JSON.parse(env.FAIRLISTEN_POLICY), samplingRate: 0.5 });
      },
    ],
    [
      'cap of 100 recordings a month',
      'RECORDING-CAPS',
      (m) => {
        const env = m.props('function:sampler').Environment.Variables;
        env.FAIRLISTEN_POLICY = JSON.stringify({
          ...JSON.parse(env.FAIRLISTEN_POLICY),
          maxRecordingsPerAgentPerMonth: 100,
        });
      },
    ],
    [
      'read Deny statement removed',
      'RECORDING-READERS',
      (m) => {
        const doc = m.recordingsPolicy();
        doc.Statement = doc.Statement.filter((s: Json) => s.Sid !== 'OnlyNamedRolesReadRecordings');
      },
    ],
    [
      'rewrite Deny statement removed',
      'RECORDING-REWRITERS',
      (m) => {
        const doc = m.recordingsPolicy();
        doc.Statement = doc.Statement.filter((s: Json) => s.Sid !== 'OnlyNamedRolesRewriteRecordings');
      },
    ],
    [
      'a resource pinned to us-east-1',
      'REGION-EU',
      (m) => {
        m.props('function:sampler').Environment.Variables.REPLICA =
          'arn:aws:s3:us-east-1:111111111111:accesspoint/x';
      },
    ],
    [
      'call recordings stored in a bucket outside the template',
      'CONNECT-STORAGE',
      (m) => {
        m.resources[m.ofType('AWS::Connect::InstanceStorageConfig')[0]!].Properties.S3Config.BucketName =
          'somewhere-else';
      },
    ],
  ];

  it.each(cases)('%s fails %s', (_name, id, mutate) => {
    const r = reportAfter(mutate);
    expect(failing(r)).toContain(id);
    expect(r.summary.status).toBe('fail');
  });

  describe('the careless admin: RETENTION-WORST-CASE fails, saying why', () => {
    const worstCase = (mutate: (m: Mutable) => void) => {
      const r = reportAfter(mutate);
      expect(failing(r)).toContain('RETENTION-WORST-CASE');
      return result(r, 'RETENTION-WORST-CASE').detail;
    };

    it('passes on the real template and says what it counted', () => {
      const r = report(mutated(base, withLeadChanges));
      expect(result(r, 'RETENTION-WORST-CASE').status).toBe('pass');
      expect(result(r, 'RETENTION-WORST-CASE').detail).toMatch(
        /≤ 90 d from the call \(daily sweeper\); lifecycle alone ≤ 90 d.*table items: ≤ 365 d from creation/,
      );
    });

    it('raises the lifecycle to 120 days', () => {
      expect(
        worstCase((m) => {
          m.props('bucket:recordings').LifecycleConfiguration.Rules[0].ExpirationInDays = 120;
        }),
      ).toMatch(
        /a version written at the call may live 120 \+ 1 \+ 1 \+ 1 = 123 days .* above retentionDays 90/,
      );
    });

    it('keeps the lifecycle at 90 days, forgetting S3 rounds to midnight', () => {
      expect(
        worstCase((m) => {
          m.props('bucket:recordings').LifecycleConfiguration.Rules[0].ExpirationInDays = 90;
        }),
      ).toMatch(/= 93 days/);
    });

    it('turns point-in-time recovery on for one table', () => {
      expect(
        worstCase((m) => {
          m.props('table:requests').Replicas[0].PointInTimeRecoverySpecification = {
            PointInTimeRecoveryEnabled: true,
          };
        }),
      ).toMatch(
        /\(table:requests\): point-in-time recovery keeps restorable copies 35 days .* = 400 days, above auditRetentionDays 365/,
      );
    });

    it('removes the sweeper schedule', () => {
      expect(
        worstCase((m) => {
          for (const id of m.ofType('AWS::Events::Rule'))
            if (JSON.stringify(m.resources[id]).includes('RetentionSweeperFunction')) delete m.resources[id];
        }),
      ).toMatch(
        /no enabled schedule invokes it.*no working retention sweeper — a version written after the call/s,
      );
    });

    it('disables the sweeper schedule', () => {
      expect(
        worstCase((m) => {
          for (const id of m.ofType('AWS::Events::Rule'))
            if (JSON.stringify(m.resources[id]).includes('RetentionSweeperFunction'))
              m.resources[id].Properties.State = 'DISABLED';
        }),
      ).toMatch(/no working retention sweeper/);
    });

    it('removes the sweeper function', () => {
      expect(
        worstCase((m) => {
          delete m.resources[m.byRole('function:retention-sweeper')];
        }),
      ).toMatch(/no working retention sweeper/);
    });

    it('lets the sweeper wait 120 days', () => {
      expect(
        worstCase((m) => {
          m.props('function:retention-sweeper').Environment.Variables.RECORDING_RETENTION_DAYS = '120';
        }),
      ).toMatch(/sweeps at 120 days, not within retentionDays 90/);
    });

    it('moves Contact Lens output to a prefix the sweeper does not cover', () => {
      expect(
        worstCase((m) => {
          const vars = m.props('function:retention-sweeper').Environment.Variables;
          vars.SWEEP_PREFIXES = JSON.stringify(
            (JSON.parse(vars.SWEEP_PREFIXES) as string[]).filter((p) => !p.includes('Analysis')),
          );
        }),
      ).toMatch(/does not sweep Analysis\/Voice\//);
    });

    it('lets a table writer keep items 400 days', () => {
      expect(
        worstCase((m) => {
          m.props('function:privacy').Environment.Variables.AUDIT_RETENTION_DAYS = '400';
        }),
      ).toMatch(/items live up to 400 days \(the writers' retention\), above auditRetentionDays 365/);
    });

    it('turns Connect flow logs on', () => {
      expect(
        worstCase((m) => {
          m.resources[m.ofType('AWS::Connect::Instance')[0]!].Properties.Attributes.ContactflowLogs = true;
        }),
      ).toMatch(/contact flow logs are on/);
    });
  });

  it('a second bucket receiving recordings without a lifecycle fails REC-RETENTION and names it', () => {
    const r = reportAfter((m) => {
      m.resources.ExtraBucket = {
        Type: 'AWS::S3::Bucket',
        Properties: { VersioningConfiguration: { Status: 'Enabled' } },
      };
      const storage = m.resources[m.ofType('AWS::Connect::InstanceStorageConfig')[0]!];
      m.resources.ExtraStorage = {
        Type: 'AWS::Connect::InstanceStorageConfig',
        Properties: {
          ...structuredClone(storage.Properties),
          ResourceType: 'CHAT_TRANSCRIPTS',
          S3Config: { BucketName: { Ref: 'ExtraBucket' }, BucketPrefix: 'chats' },
        },
      };
    });
    expect(failing(r)).toEqual(
      expect.arrayContaining(['REC-RETENTION', 'REC-ENCRYPTION', 'REC-PUBLIC-ACCESS', 'REC-TLS-ONLY']),
    );
    expect(result(r, 'REC-RETENTION').detail).toMatch(/ExtraBucket: no enabled lifecycle rule/);
    expect(failing(r)).not.toContain('CONNECT-STORAGE'); // call recordings still go where they should
  });

  it('a role granted s3:GetObject on recordings and excepted from the Deny is a reader, and fails unless allowed', () => {
    const stacks = mutated(base, (m) => {
      withLeadChanges(m);
      const bucket = m.byRole('bucket:recordings');
      m.resources.AuditorRole = {
        Type: 'AWS::IAM::Role',
        Properties: { AssumeRolePolicyDocument: {} },
        Metadata: { 'fairlisten:role': 'role:auditor' },
      };
      m.resources.AuditorPolicy = {
        Type: 'AWS::IAM::Policy',
        Properties: {
          PolicyName: 'p',
          Roles: [{ Ref: 'AuditorRole' }],
          PolicyDocument: {
            Statement: [
              {
                Effect: 'Allow',
                Action: 's3:Get*',
                Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/connect/*']] },
              },
            ],
          },
        },
      };
      m.statement('OnlyNamedRolesReadRecordings').Condition = {
        ArnNotEquals: { 'aws:PrincipalArn': [{ 'Fn::GetAtt': ['AuditorRole', 'Arn'] }] },
      };
    });
    const r = report(stacks);
    expect(failing(r)).toEqual(['RECORDING-READERS']);
    const readers = result(r, 'RECORDING-READERS');
    expect(readers.detail).toMatch(/role:auditor may s3:GetObject, s3:GetObjectVersion/);
    expect(readers.evidence).toContainEqual(
      expect.objectContaining({ logicalId: 'AuditorPolicy', note: 'role:auditor may s3:GetObject' }),
    );

    const allowing = bucketAccessCheck({
      ...recordingReaders,
      denySid: 'OnlyNamedRolesReadRecordings',
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      allowed: ['role:auditor'],
    });
    expect(report(stacks, [allowing]).summary.status).toBe('pass');
  });

  it('a role granted s3:* but not excepted from the Deny is not a reader', () => {
    const r = reportAfter((m) => {
      m.resources.SneakyRole = {
        Type: 'AWS::IAM::Role',
        Properties: {
          Policies: [
            {
              PolicyName: 'x',
              PolicyDocument: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
            },
          ],
        },
      };
    });
    expect(failing(r)).not.toContain('RECORDING-READERS');
    expect(failing(r)).not.toContain('RECORDING-REWRITERS');
  });
});

describe('SEEDS-READERS', () => {
  const withSeeds = (readerRole: string) =>
    mutated(base, (m) => {
      m.resources.SeedsTable = {
        Type: 'AWS::DynamoDB::GlobalTable',
        Properties: {},
        Metadata: { 'fairlisten:role': 'table:seeds' },
      };
      m.resources.SeedReaderRole = {
        Type: 'AWS::IAM::Role',
        Properties: {},
        Metadata: { 'fairlisten:role': readerRole },
      };
      m.resources.SeedReaderPolicy = {
        Type: 'AWS::IAM::Policy',
        Properties: {
          Roles: [{ Ref: 'SeedReaderRole' }],
          PolicyDocument: {
            Statement: [
              {
                Effect: 'Allow',
                Action: ['dynamodb:GetItem'],
                Resource: [{ 'Fn::GetAtt': ['SeedsTable', 'Arn'] }],
              },
            ],
          },
        },
      };
    });

  it('runs once a table:seeds exists and passes for the seeds role', () => {
    const r = report(withSeeds('role:seeds'));
    expect(result(r, 'SEEDS-READERS').status).toBe('pass');
    expect(result(r, 'SEEDS-READERS').detail).toMatch(/role:seeds/);
  });

  it('fails for any other reader', () => {
    const r = report(withSeeds('role:playback'));
    expect(result(r, 'SEEDS-READERS').detail).toMatch(/role:playback may dynamodb:GetItem/);
  });

  it('is required now: a missing seeds table fails with a clear message', () => {
    expect(seedsReaders.onlyWhenRole).toBeUndefined();
    const required = tableReadersCheck({
      id: seedsReaders.id,
      title: seedsReaders.title,
      concern: 'C2',
      table: 'table:seeds',
      readers: ['role:sampler', 'role:seeds'],
    });
    const r = report(
      mutated(base, (m) => {
        for (const id of Object.keys(m.resources)) {
          if (m.resources[id].Metadata?.['fairlisten:role'] === 'table:seeds') delete m.resources[id];
        }
      }),
      [required],
    );
    expect(result(r, 'SEEDS-READERS').detail).toMatch(/no table marked table:seeds/);
  });
});

describe('acknowledgements in the template', () => {
  it('are read from cdk_nag.rules_to_suppress when present, and a reason-less one fails', () => {
    const r = reportAfter((m) => {
      const meta = m.resources[m.byRole('bucket:recordings')].Metadata;
      meta.cdk_nag = {
        rules_to_suppress: [
          ...(meta.cdk_nag?.rules_to_suppress ?? []),
          { id: 'AwsSolutions-S1', reason: 'because' },
        ],
      };
    });
    expect(r.acknowledgements).toContainEqual(
      expect.objectContaining({ ruleId: 'AwsSolutions-S1', source: 'template' }),
    );
    expect(r.acknowledgements.every((a) => a.source === 'template')).toBe(true);
    expect(failing(r)).toEqual(['NAG-ACKNOWLEDGEMENTS']);
    expect(result(r, 'NAG-ACKNOWLEDGEMENTS').detail).toMatch(/AwsSolutions-S1 has no real reason/);
  });
});

describe('the engine', () => {
  it('turns a throwing check into a failure, not a crash', () => {
    const broken: Check = {
      id: 'BROKEN',
      title: 't',
      concern: 'platform',
      run: () => {
        throw new Error('boom');
      },
    };
    expect(result(report(base, [broken]), 'BROKEN').detail).toMatch(/boom/);
  });

  it('rejects duplicate ids', () => {
    expect(() => report(base, [CHECKS[0]!, CHECKS[0]!])).toThrow(/duplicate check id REGION-EU/);
  });

  it('fails REGION-EU for a stack outside the allowed regions', () => {
    const [s] = base;
    const moved = [{ ...s!, region: 'eu-west-2' }] as unknown as StackView[];
    Object.setPrototypeOf(moved[0], Object.getPrototypeOf(s));
    expect(
      failing(
        report(
          moved,
          CHECKS.filter((c) => c.id === 'REGION-EU'),
        ),
      ),
    ).toEqual(['REGION-EU']);
  });
});

describe('docs/compliance/matrix.md', () => {
  it('is the concern → check matrix the registry generates', () => {
    expectGeneratedDocFresh('docs/compliance/matrix.md');
  });
});
