/**
 * "Mes données": my recordings of the month, who listened when, my requests and proofs, and my
 * entries of the audit log (GET /me/audit, paged with "Afficher plus de traces").
 */
import type { Api, MeView, MyAuditEntry } from '../api';
import { h, render } from '../dom';
import { type Lang, type MessageKey, t } from '../i18n';
import { formatClock } from '../ranges';

const when = (iso: string, L: Lang) =>
  `${new Date(iso).toLocaleString(L === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'short',
    timeStyle: 'short',
    timeZone: 'UTC',
  })} UTC`;

function table(caption: string, head: string[], rows: (string | Node)[][]) {
  return h(
    'table',
    {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c))))),
  );
}

const KINDS = new Set([
  'suspension',
  'resumption',
  'deletion-requested',
  'redaction-requested',
  'deletion',
  'redaction',
  'listen',
  'listen-cancelled',
  'assignment',
  'evaluation',
  'plan',
  'retention-expired',
  'unauthorized-recording',
  'recording-overwrite-refused',
  'decision-recovered',
  'audit-read',
]);

/** Who acted, in words: the actor id is `agent:`, `coach:`, `dpo:` or `function:` and an id. */
function actorLabel(actor: string, agentId: string, L: Lang): string {
  if (actor === `agent:${agentId}`) return t(L, 'actor.me');
  const kind = actor.slice(0, actor.indexOf(':'));
  if (kind === 'coach') return t(L, 'actor.coach');
  if (kind === 'dpo') return t(L, 'actor.dpo');
  if (kind === 'function') return t(L, 'actor.function');
  return t(L, 'actor.other');
}

interface AuditState {
  period: string;
  agentId: string;
  entries: MyAuditEntry[];
  next?: string;
  loading: boolean;
  error?: string;
}

export function meView(root: HTMLElement, api: Api, lang: () => Lang) {
  let data: MeView | undefined;
  let error: string | undefined;
  let audit: AuditState | undefined;

  async function loadAudit(more: boolean) {
    if (!data) return;
    const cursor = more ? audit?.next : undefined;
    audit = {
      period: data.period,
      agentId: data.agentId,
      entries: more ? (audit?.entries ?? []) : [],
      ...(cursor ? { next: cursor } : {}),
      loading: true,
    };
    draw();
    try {
      const page = await api.myAudit(data.period, cursor);
      audit = {
        period: page.period,
        agentId: page.agentId,
        entries: [...audit.entries, ...page.entries],
        ...(page.next ? { next: page.next } : {}),
        loading: false,
      };
    } catch (err) {
      audit = { ...audit, loading: false, error: err instanceof Error ? err.message : String(err) };
    }
    draw();
  }

  function auditSection(L: Lang): HTMLElement[] {
    const head = [h('h3', { id: 'me-audit-heading' }, t(L, 'me.audit')), h('p', {}, t(L, 'me.auditNote'))];
    if (!audit) return head;
    const a = audit;
    const rows = a.entries.map((e) => [
      when(e.at, L),
      KINDS.has(e.kind) ? t(L, `audit.kind.${e.kind}` as MessageKey) : e.kind,
      actorLabel(e.actor, a.agentId, L),
      e.subject ?? '',
      `${e.chain} n° ${e.seq}`,
    ]);
    return [
      ...head,
      a.error ? h('p', { role: 'alert' }, t(L, 'me.auditError', { message: a.error })) : null,
      rows.length
        ? h(
            'div',
            { id: 'me-audit-entries' },
            table(
              t(L, 'me.audit'),
              [
                t(L, 'me.auditWhen'),
                t(L, 'me.auditWhat'),
                t(L, 'me.auditWho'),
                t(L, 'me.auditAbout'),
                t(L, 'me.auditRef'),
              ],
              rows,
            ),
          )
        : a.loading
          ? null
          : h('p', {}, t(L, 'me.auditEmpty')),
      // The state in words, announced: how many entries, and whether more remain.
      h(
        'p',
        { role: 'status', 'aria-live': 'polite' },
        a.loading
          ? '…'
          : `${t(L, 'me.auditCount', { n: a.entries.length })} — ${t(L, a.next ? 'me.auditPartial' : 'me.auditComplete')}`,
      ),
      a.next
        ? h(
            'button',
            {
              type: 'button',
              'data-focus': 'audit-more',
              'aria-controls': 'me-audit-entries',
              'aria-busy': a.loading ? 'true' : 'false',
              disabled: a.loading,
              onclick: () => void loadAudit(true),
            },
            t(L, 'me.auditMore'),
          )
        : null,
    ].filter((x): x is HTMLElement => x !== null);
  }

  function draw() {
    const L = lang();
    if (error)
      return render(
        root,
        h('h2', {}, t(L, 'me.heading')),
        h('p', { role: 'alert' }, t(L, 'error.load', { message: error })),
      );
    if (!data) return render(root, h('h2', {}, t(L, 'me.heading')), h('p', { role: 'status' }, '…'));
    const d = data;
    const state = (s: string) => t(L, `state.${s}` as MessageKey);
    render(
      root,
      h('h2', {}, t(L, 'me.heading')),
      h('p', {}, t(L, 'me.period', { period: d.period })),
      d.contacts.length
        ? table(
            t(L, 'me.recordings'),
            ['Contact', 'État / state'],
            d.contacts.map((c) => [c.contactId, state(c.state)]),
          )
        : h('p', {}, t(L, 'me.noRecordings')),
      d.listens.length
        ? table(
            t(L, 'me.listens'),
            ['Contact', 'Coach', 'Écoutes / plays'],
            d.listens.map((l) => [
              l.contactId,
              t(L, 'me.listenedBy', { team: l.coachTeam }),
              l.listenedAt.length ? l.listenedAt.map((x) => when(x, L)).join(', ') : t(L, 'me.notYet'),
            ]),
          )
        : h('p', {}, t(L, 'me.noListens')),
      d.requests.length
        ? table(
            t(L, 'me.requests'),
            ['Contact', 'Demande / request', 'Statut / status', t(L, 'request.proof')],
            d.requests.map((r) => [
              r.contactId,
              r.kind === 'deletion'
                ? t(L, 'request.deletion')
                : t(L, 'request.redaction', {
                    from: formatClock(r.ranges?.[0]?.from ?? 0),
                    to: formatClock(r.ranges?.[0]?.to ?? 0),
                  }),
              t(L, `request.status.${r.status}` as MessageKey),
              r.proof
                ? h(
                    'details',
                    {},
                    h('summary', {}, t(L, 'request.proof')),
                    h('pre', {}, JSON.stringify(r.proof, null, 2)),
                  )
                : t(L, 'request.proofNone'),
            ]),
          )
        : h('p', {}, t(L, 'me.noRequests')),
      d.evaluations.length
        ? table(
            t(L, 'me.evaluations'),
            ['Contact', 'Coach', 'Notes / scores', ''],
            d.evaluations.map((e) => [
              e.contactId,
              t(L, 'me.listenedBy', { team: e.coachTeam }),
              Object.entries(e.scores)
                .map(([k, v]) => `${t(L, `crit.${k}` as MessageKey)} ${v}/5`)
                .join(', '),
              e.comment ?? '',
            ]),
          )
        : h('p', {}, t(L, 'me.noEvaluations')),
      ...auditSection(L),
    );
  }

  return {
    draw,
    async load() {
      try {
        data = await api.me();
        error = undefined;
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
      draw();
      if (data && !error) await loadAudit(false);
    },
  };
}
