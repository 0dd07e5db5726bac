/**
 * The in-memory audit sink every handler test uses in place of the DynamoDB hash chain
 * (lambda/shared/audit-log.ts has its own tests against dynalite). Numbers records per chain like
 * the real log, and can be made to fail: `failing` refuses every append, `failNext` only the next.
 */
import type { AppendedAudit, AuditEntry, AuditSink } from '../../lambda/shared/audit-sink';

export class MemoryAudit implements AuditSink {
  readonly entries: (AuditEntry & { readonly seq: number })[] = [];
  /** Every append throws while this is true. */
  failing = false;
  /** The next append throws, then the sink works again. */
  failNext = false;

  async append(entry: AuditEntry): Promise<AppendedAudit> {
    await Promise.resolve();
    if (this.failing || this.failNext) {
      this.failNext = false;
      throw new Error('audit store unavailable');
    }
    const seq = this.entries.filter((e) => e.chain === entry.chain).length + 1;
    this.entries.push({ ...entry, seq });
    return { chain: entry.chain, seq, hash: seq.toString(16).padStart(64, '0') };
  }

  /** The kinds appended, in order. */
  kinds(): string[] {
    return this.entries.map((e) => e.kind);
  }

  /** The entries of `kind`, about `subject` when given. */
  of(kind: string, subject?: string): AuditEntry[] {
    return this.entries.filter((e) => e.kind === kind && (subject === undefined || e.subject === subject));
  }
}
