/**
 * The write sentinel (stream consumer of the audit and decisions tables): every change that is
 * not a conditional first write, a TTL expiry or exporter bookkeeping is appended to the
 * `audit-tampered` chain and logged as `audit-tampered` (a metric filter on that line raises the
 * alarm). The record is written before the batch is acknowledged: if the audit log cannot be
 * written, the batch fails and the stream re-delivers it.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import {
  type ChangeRecord,
  findTampering,
  TAMPER_CHAIN,
  TAMPER_KIND,
  type Tampering,
  type WatchedTable,
} from '../core/write-sentinel';
import type { AuditSink } from '../shared/audit-sink';

/** The log message the alarm's metric filter matches. */
export const TAMPER_LOG_MESSAGE = 'audit-tampered';

/** A DynamoDB stream event as Lambda delivers it; each record is read leniently, then classified. */
const streamEventSchema = z.looseObject({ Records: z.array(z.unknown()) });
const changeRecordSchema = z.looseObject({
  eventID: z.string().optional(),
  eventName: z.string().optional(),
  eventSourceARN: z.string().optional(),
  userIdentity: z.looseObject({ type: z.string().optional(), principalId: z.string().optional() }).optional(),
  dynamodb: z
    .looseObject({
      ApproximateCreationDateTime: z.number().optional(),
      Keys: z
        .record(z.string(), z.looseObject({ S: z.string().optional(), N: z.string().optional() }))
        .optional(),
      OldImage: z
        .record(z.string(), z.looseObject({ S: z.string().optional(), N: z.string().optional() }))
        .optional(),
      NewImage: z
        .record(z.string(), z.looseObject({ S: z.string().optional(), N: z.string().optional() }))
        .optional(),
    })
    .optional(),
});

export interface SentinelDeps {
  readonly audit: AuditSink;
  /** Physical table name → what it is. */
  readonly tables: Readonly<Record<string, WatchedTable>>;
  readonly logger: Pick<Logger, 'error' | 'warn'>;
  /** Name the sentinel acts as in the audit records. @default 'function:audit-sentinel' */
  readonly actor?: string;
}

export interface SentinelReport {
  readonly records: number;
  readonly tampered: readonly Tampering[];
}

/** Handles one stream batch: finds the tampering, records each finding, logs it for the alarm. */
export async function watchChanges(deps: SentinelDeps, event: unknown): Promise<SentinelReport> {
  const batch = streamEventSchema.safeParse(event);
  const raw = batch.success ? batch.data.Records : [event];
  const records: ChangeRecord[] = raw.map((r) => {
    const parsed = changeRecordSchema.safeParse(r);
    // Unreadable: classified as tampering on an unknown table (no key, no source).
    return parsed.success ? (parsed.data as ChangeRecord) : {};
  });
  const tampered = findTampering(records, deps.tables);
  for (const t of tampered) {
    await deps.audit.append({
      chain: TAMPER_CHAIN,
      kind: TAMPER_KIND,
      actor: deps.actor ?? 'function:audit-sentinel',
      subject: `${t.table}:${t.key}`,
      data: { ...t },
    });
    deps.logger.error(TAMPER_LOG_MESSAGE, { tampering: t });
  }
  return { records: records.length, tampered };
}
