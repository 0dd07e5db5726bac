import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalStack } from '../../local';
import type { SimulationOptions, SimulationResult } from '../run';
import type { PlanOutcome, RequestOutcome } from './model';

export interface MonthOptions extends Omit<SimulationOptions, 'outDir' | 'hooks' | 'connectExtras'> {
  readonly coaches: number;
  /** DIR: decisions.jsonl, seeds.json, summary.json, policy.json, assignments.jsonl, month.json, audit/. */
  readonly outDir: string;
  /** Where the transparency reports go. @default outDir */
  readonly reportDir?: string;
  /** Progress of the steps after the calls. */
  readonly log?: (message: string) => void;
  /**
   * Runs once the month is over and its files are written, while the local tables, the S3 stand-in
   * and DIR/audit/ still hold it (e.g. to export the month from the tables as an operator would).
   */
  readonly withLiveTables?: (stack: LocalStack, month: { generatedAt: string }) => Promise<void>;
  /**
   * Runs after the month's last event and before its audit export, on the live tables: a seam for
   * tests that stage what the month's own code paths do not produce (a sampler that died between
   * StartContactRecording and storing its decision, an operator's forgery) and then check that
   * `verify --month` judges it right. The month's clock is at the time of its last event.
   */
  readonly beforeAuditExport?: (stack: LocalStack, month: { ddb: DynamoDBDocumentClient }) => Promise<void>;
}

export interface PrivacyTiming {
  kind: 'deletion' | 'redaction';
  arrival: 'request-first' | 'file-first';
  /** Simulated request → done. */
  simulatedMs: number | null;
  /** Wall-clock time of the code path that completed it (API + executor, or ingest). */
  realMs: number;
}

export interface MonthStats {
  recordedLegs: number;
  ingested: number;
  unauthorizedDeleted: number;
  suspensions: { contactId: string; suspend: number; resume: number; connectEvents: string[] }[];
  requests: RequestOutcome[];
  plan: PlanOutcome | undefined;
  assignment: { outcome: string; listens: number; missingListens: number };
  plays: { ok: number; refused: number; audited: number };
  evaluations: number;
  exportedFiles: number;
}

export interface MonthResult {
  readonly simulation: SimulationResult;
  readonly period: string;
  readonly files: {
    decisions: string;
    seeds: string;
    assignments: string;
    month: string;
    audit: string;
    timings: string;
    reports: { fr: { html: string; csv: string }; en: { html: string; csv: string } };
  };
  readonly stats: MonthStats;
  readonly verification: {
    /** `fairlisten verify --month DIR`: `findings` are its lines. */
    decisions: { ok: boolean; violations: number; decisions: number; findings: string[] };
    audit: { ok: boolean; chains: number; records: number; issues: string[] };
  };
  readonly bundled: readonly string[];
  readonly timings: Record<string, number>;
}
