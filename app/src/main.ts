/** The app's start: read config.json, sign in, show the screens the caller's roles allow. */
import { createApi } from './api';
import { createSession } from './auth';
import { claimsOf, parseConfig, rolesOf } from './config';
import { h, render } from './dom';
import { type Lang, langOf, t } from './i18n';
import { agentPanel } from './views/agent';
import { coachView } from './views/coach';
import { meView } from './views/me';
import { connectWorkspace, type WorkspaceEvent } from './workspace';

type Screen = 'call' | 'me' | 'coach';

async function start() {
  const params = new URLSearchParams(location.search);
  let lang: Lang = langOf(params.get('lang'));
  const root = document.getElementById('app')!;
  // Contact events may arrive before sign-in: keep them for the panel.
  const early: WorkspaceEvent[] = [];
  let onWorkspace = (e: WorkspaceEvent): void => {
    early.push(e);
  };
  connectWorkspace((e) => onWorkspace(e));

  const config = parseConfig(await (await fetch('config.json', { cache: 'no-store' })).json());
  const session = createSession(config, params.get('as'));
  const api = createApi({
    baseUrl: config.apiBaseUrl,
    token: () => session.token(),
    fetch: (u, i) => fetch(u, i),
  });

  const signIn = () =>
    render(
      root,
      h('p', {}, t(lang, 'signin.needed')),
      h(
        'button',
        { class: 'primary', onclick: () => void session.signIn().then(main, (e) => alert(String(e))) },
        t(lang, 'signin.button'),
      ),
    );

  async function main() {
    const roles = rolesOf(claimsOf(await session.token()), config.identity);
    const screens: Screen[] = [
      ...(roles.agent ? (['call', 'me'] as const) : []),
      ...(roles.coach ? (['coach'] as const) : []),
    ];
    let screen: Screen = screens[0] ?? 'me';
    const panel = h('section', { id: 'panel', 'aria-labelledby': 'tab-call' });
    const mePanel = h('section', { id: 'me', 'aria-labelledby': 'tab-me' });
    const coachPanel = h('section', { id: 'coach', 'aria-labelledby': 'tab-coach' });
    const L = () => lang;
    const agent = agentPanel(panel, api, L);
    const me = meView(mePanel, api, L);
    const coach = coachView(coachPanel, api, L);
    onWorkspace = (e) => agent.onWorkspace(e);
    for (const e of early.splice(0)) agent.onWorkspace(e);
    const bodies: Record<Screen, HTMLElement> = { call: panel, me: mePanel, coach: coachPanel };
    const label: Record<Screen, 'nav.call' | 'nav.me' | 'nav.coach'> = {
      call: 'nav.call',
      me: 'nav.me',
      coach: 'nav.coach',
    };

    const shell = () => {
      document.documentElement.lang = lang;
      render(
        root,
        h(
          'header',
          {},
          h('h1', {}, t(lang, 'app.title')),
          h(
            'button',
            {
              class: 'lang',
              'data-focus': 'lang',
              lang: lang === 'fr' ? 'en' : 'fr',
              'aria-label': t(lang, 'lang.switchLabel'),
              onclick: () => {
                lang = lang === 'fr' ? 'en' : 'fr';
                shell();
              },
            },
            t(lang, 'lang.switch'),
          ),
        ),
        h(
          'nav',
          { 'aria-label': t(lang, 'nav.label') },
          ...screens.map((s) =>
            h(
              'button',
              {
                id: `tab-${s}`,
                'data-focus': `tab-${s}`,
                'aria-current': s === screen ? 'page' : undefined,
                onclick: () => {
                  screen = s;
                  if (s === 'me') void me.load();
                  if (s === 'coach') void coach.load();
                  shell();
                },
              },
              t(lang, label[s]),
            ),
          ),
        ),
        h('main', {}, bodies[screen]),
      );
      agent.draw();
      me.draw();
      coach.draw();
    };
    shell();
    if (screen === 'me') void me.load();
    if (screen === 'coach') void coach.load();
  }

  // Local run: sign in at once as the chosen local user; deployed: a click opens the pop-up.
  if (config.auth.type === 'local') await session.signIn().then(main);
  else signIn();
}

void start();
