/** The coach's view: assigned listens only, a player for the one chosen, the evaluation form. */
import type { Api, AssignedListen } from '../api';
import { ApiError } from '../api';
import { h, render } from '../dom';
import { type Lang, type MessageKey, t } from '../i18n';

const CRITERIA = ['greeting', 'needAnalysis', 'solution', 'clarity', 'courtesy', 'closing'] as const;

export function coachView(root: HTMLElement, api: Api, lang: () => Lang) {
  let listens: AssignedListen[] | undefined;
  let error: string | undefined;
  let playing: { contactId: string; url: string } | undefined;
  let message: string | undefined;
  const scores: Record<string, number> = {};
  let comment = '';

  async function play(l: AssignedListen) {
    message = undefined;
    try {
      const out = await api.playback(l.contactId);
      playing = { contactId: l.contactId, url: out.url };
      l.playsLeft = out.playsLeft;
    } catch (err) {
      message = t(lang(), 'coach.refused', { message: err instanceof ApiError ? err.message : String(err) });
    }
    draw();
    (root.querySelector('audio') as HTMLAudioElement | null)?.focus();
  }

  async function evaluate(ev: Event) {
    ev.preventDefault();
    if (!playing) return;
    try {
      await api.evaluate(playing.contactId, { ...scores }, comment.trim() || undefined);
      const l = listens?.find((x) => x.contactId === playing?.contactId);
      if (l) l.evaluated = true;
      message = t(lang(), 'coach.sent');
    } catch (err) {
      message = t(lang(), 'call.error', { message: err instanceof ApiError ? err.message : String(err) });
    }
    draw();
  }

  function form(L: Lang) {
    return h(
      'form',
      { class: 'evaluation', onsubmit: (e: Event) => void evaluate(e), 'aria-labelledby': 'eval-title' },
      h('h3', { id: 'eval-title' }, t(L, 'coach.evaluate')),
      ...CRITERIA.map((c) =>
        h(
          'fieldset',
          { class: 'scale' },
          h('legend', {}, t(L, `crit.${c}` as MessageKey)),
          ...[1, 2, 3, 4, 5].map((n) =>
            h(
              'label',
              {},
              h('input', {
                type: 'radio',
                name: c,
                value: n,
                required: true,
                checked: scores[c] === n,
                onchange: () => {
                  scores[c] = n;
                },
              }),
              ` ${n}`,
            ),
          ),
        ),
      ),
      h('label', { for: 'eval-comment' }, t(L, 'coach.comment')),
      h(
        'textarea',
        {
          id: 'eval-comment',
          maxlength: 500,
          rows: 3,
          oninput: (e: Event) => {
            comment = (e.target as HTMLTextAreaElement).value;
          },
        },
        comment,
      ),
      h('button', { type: 'submit' }, t(L, 'coach.submit')),
    );
  }

  function draw() {
    const L = lang();
    if (error)
      return render(
        root,
        h('h2', {}, t(L, 'coach.heading')),
        h('p', { role: 'alert' }, t(L, 'error.load', { message: error })),
      );
    if (!listens) return render(root, h('h2', {}, t(L, 'coach.heading')), h('p', { role: 'status' }, '…'));
    const current = listens.find((l) => l.contactId === playing?.contactId);
    render(
      root,
      h('h2', {}, t(L, 'coach.heading')),
      listens.length === 0
        ? h('p', {}, t(L, 'coach.none'))
        : h(
            'ul',
            { class: 'listens' },
            ...listens.map((l, i) =>
              h(
                'li',
                { 'data-contact': l.contactId },
                h('strong', {}, `${t(L, 'coach.listen', { n: i + 1 })} — `),
                `${t(L, 'coach.team', { team: l.agentTeam })}, ${t(L, 'coach.playsLeft', { left: l.playsLeft, allowed: l.playsAllowed })}, ${t(L, 'coach.until', { date: l.listenUntil.slice(0, 10) })}`,
                l.evaluated ? ` — ✓ ${t(L, 'coach.evaluated')}` : '',
                l.open
                  ? h(
                      'button',
                      {
                        onclick: () => void play(l),
                        disabled: l.playsLeft < 1,
                        'aria-label': `${t(L, 'coach.play')} — ${t(L, 'coach.listen', { n: i + 1 })}`,
                      },
                      t(L, 'coach.play'),
                    )
                  : h('span', {}, ` — ${t(L, 'coach.closed')}`),
              ),
            ),
          ),
      message ? h('p', { role: 'status', class: 'message' }, message) : null,
      playing
        ? h(
            'section',
            { 'aria-labelledby': 'player-title' },
            h('h3', { id: 'player-title' }, t(L, 'coach.player')),
            h('audio', {
              controls: true,
              preload: 'auto',
              src: playing.url,
              tabindex: 0,
              'aria-label': t(L, 'coach.player'),
            }),
            current && !current.evaluated ? form(L) : null,
          )
        : null,
    );
  }

  return {
    draw,
    async load() {
      try {
        listens = (await api.assignments()).listens;
        error = undefined;
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
      draw();
    },
  };
}
