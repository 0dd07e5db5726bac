import { describe, expect, it } from 'vitest';
import { reportOnAssembly } from '../../../lib/report/engine';
import { EVALUATOR_LIMITS } from '../../../lib/report/limits';
import { acknowledgementGroups, renderHtml, renderJson, renderMarkdown } from '../../../lib/report/render';
import type { Acknowledgement } from '../../../lib/report/types';
import { synthAssembly } from '../../support/report-fixture';

const ack = (logicalId: string, ruleId: string, reason: string): Acknowledgement => ({
  stack: 'S',
  logicalId,
  ruleId,
  reason,
  source: 'template',
});

describe('acknowledgementGroups', () => {
  it('groups by reason, the largest group first, with each rule once and every resource kept', () => {
    const groups = acknowledgementGroups([
      ack('FnB', 'AwsSolutions-IAM5[Resource::*]', 'wildcard'),
      ack('Table', 'NIST.800.53.R5-DynamoDBPITREnabled', 'no PITR'),
      ack('FnA', 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', 'wildcard'),
      ack('FnA', 'AwsSolutions-IAM5[Resource::*]', 'wildcard'),
      ack('Table', 'HIPAA.Security-DynamoDBPITREnabled', 'no PITR'),
      ack('Queue', 'AwsSolutions-SQS3', 'a dead-letter queue'),
    ]);
    expect(groups.map((g) => [g.reason, g.count, g.rules])).toEqual([
      ['wildcard', 3, ['AwsSolutions-IAM5']],
      ['no PITR', 2, ['HIPAA.Security-DynamoDBPITREnabled', 'NIST.800.53.R5-DynamoDBPITREnabled']],
      ['a dead-letter queue', 1, ['AwsSolutions-SQS3']],
    ]);
    expect(groups[0]!.items.map((a) => `${a.logicalId} ${a.ruleId}`)).toEqual([
      'FnA AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      'FnA AwsSolutions-IAM5[Resource::*]',
      'FnB AwsSolutions-IAM5[Resource::*]',
    ]);
  });
});

describe('the compliance report for a reviewer (real assembly)', () => {
  const report = reportOnAssembly(synthAssembly());
  const html = renderHtml(report);
  const md = renderMarkdown(report);
  const groups = acknowledgementGroups(report.acknowledgements);

  it('lists each reason once, with its count, and every acknowledgement folded under it', () => {
    const reasons = new Set(report.acknowledgements.map((a) => a.reason));
    expect(report.acknowledgements.length).toBeGreaterThan(100);
    expect(groups).toHaveLength(reasons.size);
    expect(groups.reduce((s, g) => s + g.count, 0)).toBe(report.acknowledgements.length);
    const table = /<table data-testid="acknowledgements">([\s\S]*?)<\/table>/.exec(html)![1]!;
    expect(table.match(/<tr>/g)).toHaveLength(groups.length + 1);
    // Resources are folded: one <li> per acknowledgement, inside a closed <details> per reason.
    expect(table.match(/<details>/g)).toHaveLength(groups.length);
    expect(table.match(/<li>/g)).toHaveLength(report.acknowledgements.length);
    expect(html).toContain(
      `cdk-nag acknowledgements: ${report.acknowledgements.length}, for ${groups.length} reasons`,
    );
    expect(md.match(/^\| `[^|]+` .*\| \d+ \| <details>/gm)).toHaveLength(groups.length);
  });

  it('says what the IAM evaluator does not cover, in the page, the Markdown and the JSON', () => {
    expect(EVALUATOR_LIMITS.map((l) => l.id)).toEqual(
      expect.arrayContaining([
        'kms',
        'scp',
        'boundary',
        'unseen-resource-policies',
        'connect-service-linked-role',
      ]),
    );
    for (const l of EVALUATOR_LIMITS) {
      expect(html).toContain(`<li data-limit="${l.id}">`);
      expect(md).toContain(`**${l.what}.**`);
    }
    expect(html).toMatch(/KMS grants[\s\S]*Service control policies[\s\S]*Permission boundaries/);
    expect(html).toContain('AWSServiceRoleForAmazonConnect_*');
    // A machine reading the JSON gets the same limits, and the report itself unchanged beside them.
    const json = JSON.parse(renderJson(report));
    expect(json.evaluatorLimits).toEqual(EVALUATOR_LIMITS);
    expect(json.checks).toEqual(JSON.parse(JSON.stringify(report.checks)));
  });
});
