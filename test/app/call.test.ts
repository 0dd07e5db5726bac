import { describe, expect, it } from 'vitest';
import {
  type CallEvent,
  type CallState,
  controlsOf,
  NO_CALL,
  recordingLength,
  reduceCall,
} from '../../app/src/call';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const C = 'cccccccc-0000-4000-8000-000000000003';
const run = (events: CallEvent[], from: CallState = NO_CALL) => events.reduce(reduceCall, from);

describe('the current call', () => {
  it('follows a call from connected to ended', () => {
    const s = run([
      { type: 'connected', contactId: A, at: 1000 },
      { type: 'status', contactId: A, recorded: true, state: 'recording' },
      { type: 'ended', contactId: A, at: 31_000 },
    ]);
    expect(s).toMatchObject({ contactId: A, phase: 'ended', recording: 'recording' });
    expect(recordingLength(s, 99_000)).toBe(30);
  });

  it('moves the controls to the new contact on a transfer and ignores the old one ending', () => {
    const s = run([
      { type: 'connected', contactId: A, at: 0 },
      { type: 'status', contactId: A, recorded: true, state: 'suspended' },
      { type: 'connected', contactId: B, initialContactId: A, at: 5000 },
      { type: 'ended', contactId: A, at: 5100 },
      { type: 'status', contactId: B, recorded: true, state: 'suspended' },
    ]);
    expect(s).toMatchObject({
      contactId: B,
      transferredFrom: A,
      phase: 'connected',
      recording: 'suspended',
      startedAt: 0,
    });
    expect(controlsOf(s)).toMatchObject({ resume: true, suspend: false });
  });

  it('ignores late answers about a contact left behind', () => {
    const s = run([
      { type: 'connected', contactId: A, at: 0 },
      { type: 'connected', contactId: B, initialContactId: A, at: 10 },
      { type: 'switched', contactId: A, state: 'suspended' },
      { type: 'status', contactId: A, recorded: false, state: 'not-recorded' },
    ]);
    expect(s).toMatchObject({ contactId: B, recording: 'loading' });
  });

  it('starts afresh on a new call (another initial contact)', () => {
    const s = run([
      { type: 'connected', contactId: A, at: 0 },
      { type: 'request', contactId: A, request: { requestId: 'r', kind: 'deletion', status: 'done' } },
      { type: 'ended', contactId: A, at: 10 },
      { type: 'connected', contactId: C, at: 20 },
    ]);
    expect(s).toMatchObject({ contactId: C, phase: 'connected', requests: [], startedAt: 20 });
    expect(s.transferredFrom).toBeUndefined();
  });

  it('offers no control on a call that was not drawn', () => {
    const s = run([
      { type: 'connected', contactId: A, at: 0 },
      { type: 'status', contactId: A, recorded: false, state: 'not-recorded' },
    ]);
    expect(controlsOf(s)).toEqual({ suspend: false, resume: false, delete: false, mask: false });
  });

  it('offers Suspendre while recording, Reprendre while suspended, neither after the call', () => {
    const live = run([
      { type: 'connected', contactId: A, at: 0 },
      { type: 'status', contactId: A, recorded: true, state: 'recording' },
    ]);
    expect(controlsOf(live)).toEqual({ suspend: true, resume: false, delete: true, mask: true });
    const suspended = reduceCall(live, { type: 'switched', contactId: A, state: 'suspended' });
    expect(controlsOf(suspended)).toEqual({ suspend: false, resume: true, delete: true, mask: true });
    const ended = reduceCall(suspended, { type: 'ended', contactId: A, at: 5 });
    expect(controlsOf(ended)).toEqual({ suspend: false, resume: false, delete: true, mask: true });
  });

  it('offers neither delete nor mask once a deletion is under way or done', () => {
    const s = run([
      { type: 'connected', contactId: A, at: 0 },
      { type: 'status', contactId: A, recorded: true, state: 'recording' },
      { type: 'request', contactId: A, request: { requestId: 'r', kind: 'deletion', status: 'in-progress' } },
    ]);
    expect(controlsOf(s)).toMatchObject({ delete: false, mask: false });
  });

  it('prefers the stored length of the recording to the clock', () => {
    const s = run([
      { type: 'connected', contactId: A, at: 0 },
      { type: 'ended', contactId: A, at: 3000 },
      { type: 'status', contactId: A, recorded: true, state: 'recording', durationSeconds: 60 },
    ]);
    expect(recordingLength(s, 10_000)).toBe(60);
    expect(recordingLength(NO_CALL, 10_000)).toBeUndefined();
  });
});
