/**
 * Recording ingest: one S3 object created under a recording prefix (Connect call recording or
 * Contact Lens output).
 *
 * 1. The key names the contact (lambda/shared/recording-keys.ts). A contact with no decision but a
 *    reservation holding a drawn one (the sampler died between StartContactRecording and storing
 *    its decision) gets that decision completed and audited first (./recovery.ts). No contact id,
 *    no sampler decision, or a decision that says "not recorded" → the object was made outside the policy
 *    (another flow, a manual start, a key layout we cannot tie to a decision): every version is
 *    deleted at once, then the deletion is audited (`unauthorized-recording`). Deleting first is
 *    deliberate: audio that should not exist is not kept waiting for the audit log.
 * 2. A new version of a key already indexed is genuine only if fairlisten wrote it: a redaction's
 *    new version, named by the request's progress. While a request of the contact is in progress
 *    and names no version yet, ingest throws (S3 re-delivers the event once the executor saved it).
 *    Any other version is an overwrite fairlisten did not make: it is deleted (every such version),
 *    so the indexed version is current again and the only one playback signs, then audited
 *    (`recording-overwrite-refused`). Deleting first, as for unauthorized recordings.
 * 3. Otherwise the object is indexed (contact → key, version, kind, size); a call recording's
 *    duration is read from its WAV header (ranged GET of the first 64 KiB).
 * 4. Requests about the contact are applied: those waiting for the recording, and done ones again
 *    for this newly arrived object (a Contact Lens file arriving after a deletion is deleted).
 *
 * Idempotent: a duplicate event finds the version indexed, or nothing left to delete.
 */
import { callStartOf } from '../core/retention';
import { type ActionDeps, type ApplyOutcome, applyRequest } from '../shared/apply-request';
import { parseRecordingKey } from '../shared/recording-keys';
import { readRecordingLayout } from '../shared/recording-objects';
import type { DecisionSummary } from '../shared/recording-store';
import { DECISION_RECOVERED, type DecisionRecovery } from './recovery';

/** What ingest works with: the recording actions' dependencies, and the decision recovery. */
export interface IngestDeps extends ActionDeps {
  /** @default - no recovery: a recording without a stored decision is deleted */
  readonly recovery?: DecisionRecovery;
}

export interface IngestInput {
  /** Decoded object key. */
  readonly key: string;
  /** VersionId from the event (absent on an unversioned bucket). */
  readonly versionId?: string;
  readonly size: number;
  /** ISO time of the event. */
  readonly eventTime: string;
}

export type UnauthorizedReason = 'no-contact-id' | 'no-decision' | 'not-recorded';

/** Audit kind of a refused overwrite of an indexed recording. */
export const OVERWRITE_REFUSED = 'recording-overwrite-refused';

/** Thrown while a request of the contact may still be writing the version of the event (retried). */
export class RewriteInProgressError extends Error {
  override readonly name = 'RewriteInProgressError';
  constructor(readonly key: string) {
    super(`a request is rewriting ${key} and has not named its new version yet; retry later`);
  }
}

export type IngestOutcome =
  | {
      readonly outcome: 'indexed';
      readonly contactId: string;
      readonly applied: readonly { readonly requestId: string; readonly result: ApplyOutcome }[];
    }
  | {
      readonly outcome: 'overwrite-refused';
      readonly contactId: string;
      /** The indexed version, current again. */
      readonly genuineVersionIds: readonly string[];
      readonly deletedVersionIds: readonly string[];
    }
  | {
      readonly outcome: 'unauthorized-deleted';
      readonly contactId?: string;
      readonly reason: UnauthorizedReason;
      readonly deletedVersionIds: readonly string[];
      readonly audited: boolean;
    };

/** Processes one created object. Throws when something must be retried (S3 re-delivers). */
export async function ingestObject(deps: IngestDeps, input: IngestInput): Promise<IngestOutcome> {
  const { store, objects } = deps;
  const parsed = parseRecordingKey(input.key);
  if (!parsed.contactId) return deleteUnauthorized(deps, input, undefined, 'no-contact-id', undefined);
  const contactId = parsed.contactId;
  const decision = (await store.getDecision(contactId)) ?? (await recoverDecision(deps, contactId, input));
  if (!decision) return deleteUnauthorized(deps, input, contactId, 'no-decision', undefined);
  if (!decision.recorded) return deleteUnauthorized(deps, input, contactId, 'not-recorded', decision);

  const contact = await store.ensureContact(contactId, {
    agentId: decision.agentId,
    period: decision.period,
    state: 'kept',
    callAt: callStartOf(input.key, decision.decidedAt, eventDate(deps, input)),
  });
  if (input.versionId) {
    const indexed = (await store.listObjects(contactId)).find((o) => o.key === input.key);
    if (indexed && indexed.versionIds.length > 0 && !indexed.versionIds.includes(input.versionId)) {
      if (!(await writtenByFairlisten(deps, contactId, input.key, input.versionId))) {
        return refuseOverwrite(deps, input, contactId, decision.period, indexed.versionIds);
      }
    }
  }
  const versionIds = input.versionId
    ? [input.versionId]
    : (await objects.listVersions(input.key)).filter((v) => !v.isDeleteMarker).map((v) => v.versionId);
  for (const versionId of versionIds) {
    await store.addObjectVersion(contactId, input.key, parsed.kind, versionId, input.size, contact.expiresAt);
  }
  if (parsed.kind === 'call-recording' && contact.durationSeconds === undefined && contact.state === 'kept') {
    try {
      const layout = await readRecordingLayout(objects, input.key, input.versionId, input.size);
      await store.updateContact(contactId, { durationSeconds: layout.frames / layout.format.sampleRate });
    } catch (err) {
      // Not fatal: the executor reads the header again and refuses what it cannot redact.
      deps.logger?.warn('cannot read the recording header', {
        contactId,
        key: input.key,
        error: (err as Error).message,
      });
    }
  }

  const applied: { requestId: string; result: ApplyOutcome }[] = [];
  for (const request of await store.requestsForContact(contactId)) {
    if (request.status === 'failed') continue;
    const result = await applyRequest(deps, request.requestId, { rerun: request.status === 'done' });
    applied.push({ requestId: request.requestId, result });
  }
  return { outcome: 'indexed', contactId, applied };
}

/** The event's time; an unreadable one counts as now (the object exists, so its call began before). */
function eventDate(deps: IngestDeps, input: IngestInput): Date {
  const at = new Date(input.eventTime);
  return Number.isFinite(at.getTime()) ? at : (deps.clock ?? (() => new Date()))();
}

/**
 * The decision reserved for the contact, audited and then stored (audited first: a crash between
 * the two leaves a record of the recovery, never a decision nobody was told about). Undefined when
 * there is nothing to recover.
 */
async function recoverDecision(
  deps: IngestDeps,
  contactId: string,
  input: IngestInput,
): Promise<DecisionSummary | undefined> {
  const reserved = await deps.recovery?.reservedDecision(contactId);
  if (!deps.recovery || !reserved) return undefined;
  const { expiresAt: _ttl, ...decision } = reserved;
  await deps.audit.append({
    chain: `privacy/${reserved.period}`,
    kind: DECISION_RECOVERED,
    actor: deps.actor ?? 'function:ingest',
    subject: contactId,
    data: { from: 'reservation', key: input.key, eventVersionId: input.versionId ?? null, decision },
  });
  const stored = await deps.recovery.storeDecision(reserved);
  deps.logger?.warn('decision completed from its reservation', { contactId, key: input.key, stored });
  // Stored meanwhile by someone else (a concurrent event of the same contact): that one counts.
  return stored
    ? { recorded: true, agentId: reserved.agentId, period: reserved.period, decidedAt: reserved.decidedAt }
    : deps.store.getDecision(contactId);
}

/**
 * True when a request of the contact wrote `versionId` of `key` (its progress names it as the new
 * version). Throws {@link RewriteInProgressError} while a request is in progress without naming
 * it: the executor saves the version right after S3 returns it.
 */
async function writtenByFairlisten(
  deps: IngestDeps,
  contactId: string,
  key: string,
  versionId: string,
): Promise<boolean> {
  let inProgress = false;
  for (const request of await deps.store.requestsForContact(contactId)) {
    const progress = await deps.store.getProgress(contactId, request.requestId);
    if (progress.keys[key]?.newVersionId === versionId) return true;
    if (request.status === 'in-progress') inProgress = true;
  }
  if (inProgress) throw new RewriteInProgressError(key);
  return false;
}

/** Deletes every version of `key` that is not indexed, then audits the refusal. */
async function refuseOverwrite(
  deps: IngestDeps,
  input: IngestInput,
  contactId: string,
  period: string,
  genuine: readonly string[],
): Promise<IngestOutcome> {
  const intruders = (await deps.objects.listVersions(input.key))
    .filter((v) => !v.isDeleteMarker && !genuine.includes(v.versionId))
    .map((v) => v.versionId);
  for (const versionId of intruders) await deps.objects.deleteVersion(input.key, versionId);
  if (intruders.length > 0) {
    await deps.audit.append({
      chain: `privacy/${/^\d{4}-\d{2}$/.test(period) ? period : input.eventTime.slice(0, 7)}`,
      kind: OVERWRITE_REFUSED,
      actor: deps.actor ?? 'function:ingest',
      subject: contactId,
      data: {
        key: input.key,
        contactId,
        eventVersionId: input.versionId ?? null,
        deletedVersionIds: intruders,
        genuineVersionIds: [...genuine],
      },
    });
  }
  deps.logger?.warn('overwrite of a recording refused', {
    contactId,
    key: input.key,
    deleted: intruders.length,
  });
  return {
    outcome: 'overwrite-refused',
    contactId,
    genuineVersionIds: [...genuine],
    deletedVersionIds: intruders,
  };
}

async function deleteUnauthorized(
  deps: IngestDeps,
  input: IngestInput,
  contactId: string | undefined,
  reason: UnauthorizedReason,
  decision: DecisionSummary | undefined,
): Promise<IngestOutcome> {
  const { objects, store } = deps;
  const parsed = parseRecordingKey(input.key);
  const versions = (await objects.listVersions(input.key)).map((v) => v.versionId);
  for (const versionId of versions) await objects.deleteVersion(input.key, versionId);
  const period =
    decision?.period && /^\d{4}-\d{2}$/.test(decision.period) ? decision.period : input.eventTime.slice(0, 7);
  const contact = contactId ? await store.getContact(contactId) : undefined;
  // A duplicate event finds nothing left and the contact already marked: nothing to record twice.
  const duplicate =
    versions.length === 0 && (contactId === undefined || contact?.state === 'unauthorized-deleted');
  if (!duplicate) {
    await deps.audit.append({
      chain: `privacy/${period}`,
      kind: 'unauthorized-recording',
      actor: deps.actor ?? 'function:ingest',
      ...(contactId ? { subject: contactId } : {}),
      data: {
        reason,
        key: input.key,
        ...(contactId ? { contactId } : {}),
        eventVersionId: input.versionId ?? null,
        deletedVersionIds: versions,
      },
    });
  }
  if (contactId) {
    const stored = await store.ensureContact(contactId, {
      agentId: decision?.agentId ?? 'unknown',
      period,
      state: 'unauthorized-deleted',
      callAt: callStartOf(input.key, decision?.decidedAt, eventDate(deps, input)),
    });
    if (contact && contact.state !== 'unauthorized-deleted') {
      await store.updateContact(contactId, { state: 'unauthorized-deleted' });
    }
    await store.setObjectVersions(contactId, input.key, parsed.kind, [], 0, stored.expiresAt);
  }
  deps.logger?.warn('recording outside the policy deleted', {
    reason,
    key: input.key,
    contactId,
    versions: versions.length,
  });
  return {
    outcome: 'unauthorized-deleted',
    ...(contactId ? { contactId } : {}),
    reason,
    deletedVersionIds: versions,
    audited: !duplicate,
  };
}
