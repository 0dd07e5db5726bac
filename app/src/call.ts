/**
 * The agent's current call, as the workspace reports it: pure state and a reducer. The app never
 * asks the agent for a contact id; it follows the contact events of the agent workspace.
 *
 * Transfer: a transfer gives the call a new contact (a new id, the same initial contact id), which
 * connects, and the old one ends after it. So a `connected` event switches the controls to the new
 * contact, and an `ended` event for a contact that is no longer the current one changes nothing.
 */
import type { MessageKey } from './i18n';

export type RecordingView = 'loading' | 'not-recorded' | 'recording' | 'suspended' | 'unknown' | 'error';

export interface TrackedRequest {
  readonly requestId: string;
  readonly kind: 'deletion' | 'redaction';
  readonly status: string;
  readonly range?: { readonly from: number; readonly to: number };
  readonly proof?: unknown;
}

export interface CallState {
  readonly contactId?: string;
  readonly initialContactId?: string;
  /** The contact the call had before a transfer (shown, so the agent sees the switch). */
  readonly transferredFrom?: string;
  readonly phase: 'none' | 'connected' | 'ended';
  /** When the first contact of the call connected (ms): the recording runs from about then. */
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly recording: RecordingView;
  /** The recording's length once it is stored (seconds). */
  readonly durationSeconds?: number;
  readonly busy: boolean;
  readonly requests: readonly TrackedRequest[];
  readonly message?: { readonly key: MessageKey; readonly params?: Readonly<Record<string, string>> };
}

export type CallEvent =
  | {
      readonly type: 'connected';
      readonly contactId: string;
      readonly initialContactId?: string;
      readonly at: number;
    }
  | { readonly type: 'ended'; readonly contactId: string; readonly at: number }
  | {
      readonly type: 'status';
      readonly contactId: string;
      readonly recorded: boolean;
      readonly state: string;
      readonly durationSeconds?: number;
    }
  | { readonly type: 'busy'; readonly contactId: string }
  | { readonly type: 'switched'; readonly contactId: string; readonly state: 'suspended' | 'recording' }
  | { readonly type: 'request'; readonly contactId: string; readonly request: TrackedRequest }
  | { readonly type: 'failed'; readonly contactId: string; readonly message: string }
  | {
      readonly type: 'message';
      readonly key: MessageKey;
      readonly params?: Readonly<Record<string, string>>;
    };

export const NO_CALL: CallState = { phase: 'none', recording: 'loading', busy: false, requests: [] };

const isRecordingView = (s: string): s is RecordingView =>
  s === 'not-recorded' || s === 'recording' || s === 'suspended' || s === 'unknown';

export function reduceCall(state: CallState, event: CallEvent): CallState {
  switch (event.type) {
    case 'connected': {
      if (event.contactId === state.contactId) return state;
      const initial = event.initialContactId ?? event.contactId;
      const sameCall =
        state.contactId !== undefined &&
        state.phase === 'connected' &&
        (state.initialContactId ?? state.contactId) === initial;
      if (sameCall) {
        // A transfer: the controls move to the new contact; the recording continues with it.
        return {
          ...state,
          contactId: event.contactId,
          initialContactId: initial,
          transferredFrom: state.contactId,
          recording: 'loading',
          busy: false,
          message: undefined,
        };
      }
      return {
        phase: 'connected',
        contactId: event.contactId,
        initialContactId: initial,
        startedAt: event.at,
        recording: 'loading',
        busy: false,
        requests: [],
      };
    }
    case 'ended':
      if (event.contactId !== state.contactId || state.phase !== 'connected') return state;
      return { ...state, phase: 'ended', endedAt: event.at, busy: false };
    case 'message':
      return { ...state, message: { key: event.key, params: event.params } };
    default:
      if (event.contactId !== state.contactId) return state; // an answer about a contact left behind
  }
  switch (event.type) {
    case 'status':
      return {
        ...state,
        recording: event.recorded ? (isRecordingView(event.state) ? event.state : 'unknown') : 'not-recorded',
        durationSeconds: event.durationSeconds ?? state.durationSeconds,
      };
    case 'busy':
      return { ...state, busy: true, message: undefined };
    case 'switched':
      return { ...state, busy: false, recording: event.state };
    case 'request': {
      const others = state.requests.filter((r) => r.requestId !== event.request.requestId);
      return { ...state, busy: false, requests: [...others, event.request] };
    }
    case 'failed':
      return { ...state, busy: false, message: { key: 'call.error', params: { message: event.message } } };
  }
}

/**
 * How long the recording is (after the call, once stored) or has run so far (during it), in
 * seconds; undefined before the call connected.
 */
export function recordingLength(state: CallState, now: number): number | undefined {
  if (state.durationSeconds !== undefined) return state.durationSeconds;
  if (state.startedAt === undefined) return undefined;
  return Math.max(0, ((state.endedAt ?? now) - state.startedAt) / 1000);
}

/** Which controls the panel offers: none on a call that is not recorded. */
export function controlsOf(state: CallState): {
  suspend: boolean;
  resume: boolean;
  delete: boolean;
  mask: boolean;
} {
  const drawn =
    state.recording === 'recording' || state.recording === 'suspended' || state.recording === 'unknown';
  const live = state.phase === 'connected';
  return {
    suspend: drawn && live && state.recording !== 'suspended',
    resume: drawn && live && state.recording === 'suspended',
    delete: drawn && !state.requests.some((r) => r.kind === 'deletion' && r.status !== 'failed'),
    mask: drawn && !state.requests.some((r) => r.kind === 'deletion' && r.status !== 'failed'),
  };
}

/** Whether a request is still moving (the panel keeps polling it). */
export const isPending = (r: TrackedRequest): boolean =>
  r.status === 'in-progress' || r.status === 'waiting-for-recording';
