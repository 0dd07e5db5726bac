/**
 * Where handlers write audit records. The DynamoDB implementation (lambda/shared/audit-log.ts)
 * appends to a hash chain with conditional writes; tests may use an in-memory one. A handler
 * that must not act without a record (playback, deletion) awaits `append` first and stops if it
 * throws.
 */
export interface AuditEntry {
  /** Chain name, e.g. `seeds`, `listens/2026-12`, `privacy/2026-12`. */
  readonly chain: string;
  /** Record kind: decision, assignment, plan, listen, suspension, resumption, deletion, redaction, … */
  readonly kind: string;
  /** Who acted: a principal id (`agent:<id>`, `coach:<id>`, `function:<name>`, `dpo:<id>`). Never a name. */
  readonly actor: string;
  /** What it is about: a contact, agent, period or request id. */
  readonly subject?: string;
  /** Identifiers and figures only: no personal data, no audio. */
  readonly data?: Record<string, unknown>;
  /** @default now */
  readonly at?: Date;
}

export interface AppendedAudit {
  readonly chain: string;
  readonly seq: number;
  readonly hash: string;
}

export interface AuditSink {
  append(entry: AuditEntry): Promise<AppendedAudit>;
}
