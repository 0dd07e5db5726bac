/** The agent's call panel: what the lottery decided, Suspendre / Reprendre, delete, mask. */
import type { Api } from '../api';
import { ApiError } from '../api';
import {
  type CallEvent,
  type CallState,
  controlsOf,
  isPending,
  NO_CALL,
  recordingLength,
  reduceCall,
  type TrackedRequest,
} from '../call';
import { h, render } from '../dom';
import { type Lang, type MessageKey, t } from '../i18n';
import { formatClock, type PassageInput, passageRange } from '../ranges';
import type { WorkspaceEvent } from '../workspace';

const STATE_TEXT: Record<CallState['recording'], { key: MessageKey; mark: string }> = {
  loading: { key: 'call.loading', mark: '…' },
  'not-recorded': { key: 'call.notRecorded', mark: '○' },
  recording: { key: 'call.recording', mark: '●' },
  suspended: { key: 'call.suspended', mark: '||' },
  unknown: { key: 'call.unknown', mark: '?' },
  error: { key: 'call.unknown', mark: '?' },
};

const POLL_MS = 400;

export function agentPanel(root: HTMLElement, api: Api, lang: () => Lang) {
  let state: CallState = NO_CALL;
  let maskKind: PassageInput['kind'] = 'range';
  const fields = { from: '', to: '', seconds: '' };
  let confirmDelete = false;

  const dispatch = (e: CallEvent) => {
    state = reduceCall(state, e);
    draw();
  };
  const errorText = (err: unknown) => (err instanceof ApiError ? err.message : String(err));

  async function loadStatus(contactId: string) {
    try {
      const s = await api.status(contactId);
      dispatch({
        type: 'status',
        contactId,
        recorded: s.recorded,
        state: s.state,
        durationSeconds: s.durationSeconds,
      });
    } catch (err) {
      dispatch({ type: 'failed', contactId, message: errorText(err) });
    }
  }

  /** After the call, the stored recording's length arrives with ingest: ask a few times. */
  async function awaitStoredLength(contactId: string) {
    for (let i = 0; i < 10 && state.contactId === contactId && state.durationSeconds === undefined; i++) {
      await new Promise((r) => setTimeout(r, i === 0 ? 300 : 1000));
      if (state.recording === 'not-recorded') return;
      await loadStatus(contactId);
    }
  }

  async function toggle(action: 'suspend' | 'resume') {
    const contactId = state.contactId!;
    dispatch({ type: 'busy', contactId });
    try {
      const out = await api[action](contactId);
      dispatch({ type: 'switched', contactId, state: out.state === 'suspended' ? 'suspended' : 'recording' });
    } catch (err) {
      dispatch({ type: 'failed', contactId, message: errorText(err) });
    }
  }

  async function follow(contactId: string, request: TrackedRequest) {
    dispatch({ type: 'request', contactId, request });
    let current = request;
    while (isPending(current)) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      try {
        const v = await api.request(current.requestId);
        current = { ...current, status: v.status, proof: v.proof ?? undefined };
      } catch (err) {
        dispatch({ type: 'failed', contactId, message: errorText(err) });
        return;
      }
      dispatch({ type: 'request', contactId, request: current });
    }
  }

  async function remove() {
    if (!confirmDelete) {
      confirmDelete = true;
      draw();
      return;
    }
    confirmDelete = false;
    const contactId = state.contactId!;
    dispatch({ type: 'busy', contactId });
    try {
      const out = await api.deletion(contactId, 'demandée par l’agent depuis l’application');
      await follow(contactId, { requestId: out.requestId, kind: 'deletion', status: out.status });
    } catch (err) {
      dispatch({ type: 'failed', contactId, message: errorText(err) });
    }
  }

  async function mask(ev: Event) {
    ev.preventDefault();
    const input: PassageInput =
      maskKind === 'range'
        ? { kind: 'range', from: fields.from, to: fields.to }
        : { kind: 'last', seconds: fields.seconds };
    const checked = passageRange(input, recordingLength(state, Date.now()));
    if (!checked.ok) {
      const e = checked.error;
      const params: Record<string, string> = {};
      if ('end' in e) params.end = e.end;
      dispatch({ type: 'message', key: e.key, params });
      return; // nothing is sent
    }
    const contactId = state.contactId!;
    dispatch({ type: 'busy', contactId });
    try {
      const out = await api.redaction(contactId, checked.range, 'demandé par l’agent depuis l’application');
      await follow(contactId, {
        requestId: out.requestId,
        kind: 'redaction',
        status: out.status,
        range: checked.range,
      });
    } catch (err) {
      dispatch({ type: 'failed', contactId, message: errorText(err) });
    }
  }

  function requestItem(r: TrackedRequest, L: Lang) {
    const label =
      r.kind === 'deletion'
        ? t(L, 'request.deletion')
        : t(L, 'request.redaction', {
            from: formatClock(r.range?.from ?? 0),
            to: formatClock(r.range?.to ?? 0),
          });
    const status = t(L, `request.status.${r.status}` as MessageKey);
    return h(
      'li',
      { 'data-request': r.requestId, 'data-status': r.status },
      h('strong', {}, `${label} : `),
      h(
        'span',
        { class: `status status-${r.status}` },
        `${r.status === 'done' ? '✓ ' : r.status === 'failed' ? '✗ ' : '⧗ '}${status}`,
      ),
      r.proof
        ? h(
            'details',
            { class: 'proof' },
            h('summary', {}, t(L, 'request.proof')),
            h('pre', {}, JSON.stringify(r.proof, null, 2)),
          )
        : h('span', { class: 'muted' }, ` — ${t(L, 'request.proofNone')}`),
    );
  }

  function draw() {
    const L = lang();
    if (state.phase === 'none') {
      render(root, h('h2', {}, t(L, 'call.heading')), h('p', { role: 'status' }, t(L, 'call.none')));
      return;
    }
    const c = controlsOf(state);
    const st = STATE_TEXT[state.recording];
    const length = recordingLength(state, Date.now());
    const maskForm = h(
      'form',
      {
        class: 'mask',
        onsubmit: (e: Event) => void mask(e),
        novalidate: true,
        'aria-labelledby': 'mask-title',
      },
      h('h3', { id: 'mask-title' }, t(L, 'call.mask')),
      h(
        'fieldset',
        {},
        h('legend', {}, t(L, 'call.maskKind')),
        ...(['range', 'last'] as const).map((k) =>
          h(
            'label',
            { class: 'choice' },
            h('input', {
              type: 'radio',
              name: 'mask-kind',
              value: k,
              checked: maskKind === k,
              'data-focus': `kind-${k}`,
              onchange: () => {
                maskKind = k;
                draw();
              },
            }),
            ` ${t(L, k === 'range' ? 'call.maskRange' : 'call.maskLast')}`,
          ),
        ),
      ),
      maskKind === 'range'
        ? h(
            'div',
            { class: 'row' },
            field('from', t(L, 'call.from'), '00:10'),
            field('to', t(L, 'call.to'), '00:25'),
          )
        : h('div', { class: 'row' }, field('seconds', t(L, 'call.lastSeconds'), '30', 'numeric')),
      length !== undefined && state.phase === 'ended' && state.durationSeconds !== undefined
        ? h('p', { class: 'muted' }, t(L, 'call.length', { end: formatClock(length) }))
        : null,
      h(
        'button',
        { type: 'submit', disabled: state.busy, 'data-focus': 'mask-submit' },
        t(L, 'call.maskSubmit'),
      ),
    );
    render(
      root,
      h('h2', {}, t(L, 'call.heading')),
      h('p', { class: 'contact' }, t(L, 'call.contact', { id: state.contactId ?? '' })),
      state.transferredFrom
        ? h('p', { class: 'note' }, t(L, 'call.transferred', { id: state.contactId ?? '' }))
        : null,
      h(
        'p',
        {
          class: `rec rec-${state.recording}`,
          role: 'status',
          'aria-live': 'polite',
          'data-recording': state.recording,
        },
        h('span', { 'aria-hidden': 'true', class: 'mark' }, `${st.mark} `),
        t(L, st.key),
        state.phase === 'ended' ? ` ${t(L, 'call.ended')}` : '',
      ),
      c.suspend
        ? h(
            'button',
            {
              class: 'primary',
              'data-focus': 'toggle',
              disabled: state.busy,
              onclick: () => void toggle('suspend'),
            },
            state.busy ? t(L, 'call.working') : t(L, 'call.suspend'),
          )
        : null,
      c.resume
        ? h(
            'button',
            {
              class: 'primary',
              'data-focus': 'toggle',
              disabled: state.busy,
              onclick: () => void toggle('resume'),
            },
            state.busy ? t(L, 'call.working') : t(L, 'call.resume'),
          )
        : null,
      c.delete
        ? h(
            'button',
            { class: 'danger', 'data-focus': 'delete', disabled: state.busy, onclick: () => void remove() },
            confirmDelete ? t(L, 'call.deleteConfirm') : t(L, 'call.delete'),
          )
        : null,
      c.mask ? maskForm : null,
      state.message
        ? h('p', { class: 'message', role: 'alert' }, t(L, state.message.key, state.message.params))
        : null,
      state.requests.length > 0
        ? h(
            'section',
            { 'aria-labelledby': 'req-title' },
            h('h3', { id: 'req-title' }, t(L, 'request.heading')),
            h('ul', {}, ...state.requests.map((r) => requestItem(r, L))),
          )
        : null,
    );
  }

  function field(name: 'from' | 'to' | 'seconds', label: string, placeholder: string, inputmode = 'text') {
    const id = `mask-${name}`;
    return h(
      'div',
      { class: 'field' },
      h('label', { for: id }, label),
      h('input', {
        id,
        name,
        'data-focus': id,
        inputmode,
        autocomplete: 'off',
        placeholder,
        value: fields[name],
        oninput: (e: Event) => {
          fields[name] = (e.target as HTMLInputElement).value;
        },
      }),
    );
  }

  return {
    draw,
    onWorkspace(e: WorkspaceEvent) {
      const before = state;
      dispatch({ ...e, at: Date.now() });
      if (state.startedAt !== before.startedAt) {
        // A new call (not a transfer): nothing typed for the last one stays in the form.
        fields.from = '';
        fields.to = '';
        fields.seconds = '';
        confirmDelete = false;
        draw();
      }
      if (e.type === 'connected' && state.contactId === e.contactId && before.contactId !== e.contactId)
        void loadStatus(e.contactId);
      if (e.type === 'ended' && state.contactId === e.contactId) void awaitStoredLength(e.contactId);
    },
  };
}
