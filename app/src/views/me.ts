/** "Mes données": my recordings of the month, who listened when, my requests and proofs. */
import type { Api, MeView } from '../api';
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

export function meView(root: HTMLElement, api: Api, lang: () => Lang) {
  let data: MeView | undefined;
  let error: string | undefined;

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
      h('h3', {}, t(L, 'me.audit')),
      h('p', {}, t(L, 'me.auditNote')),
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
    },
  };
}
