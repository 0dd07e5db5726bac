/**
 * The workspace app in real headless Chromium against the local run (lib/workspace-app/local):
 * the host stand-in plays the contact's events through the SDK's channel, the API runs on
 * dynalite, the Connect stand-in and the S3 stand-in. Every screen passes axe-core with no serious
 * or critical violation. One file, one browser, one local run: the scenarios follow one another.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApp, startLocalApp } from '../../lib/workspace-app/local/server';
import { launchChromium } from '../support/chromium';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let app: LocalApp;
let context: BrowserContext;
let close: () => Promise<void>;
let page: Page;
const apiCalls: string[] = [];

beforeAll(async () => {
  [app, { context, close }] = await Promise.all([startLocalApp(), launchChromium()]);
  page = await context.newPage();
  page.on('request', (r) => {
    if (r.url().includes('/api/')) apiCalls.push(`${r.method()} ${new URL(r.url()).pathname}`);
  });
  await page.goto(`${app.url}/`);
  await frame().getByText('Aucun appel en cours.').waitFor();
}, 60_000);

afterAll(async () => {
  await close?.();
  await app?.stop();
});

function frame(): Frame {
  const f = page.frames().find((x) => x.url().includes('/app/'));
  if (!f) throw new Error('the app frame is not loaded');
  return f;
}

/** axe-core in the app's frame: the serious and critical violations, if any. */
async function axe(): Promise<{ id: string; impact: string; nodes: number }[]> {
  const f = frame();
  if (!(await f.evaluate("'axe' in window"))) await f.addScriptTag({ content: AXE });
  const { passes, violations } = (await f.evaluate(`axe.run(document).then((r) => ({
    passes: r.passes.length,
    violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })),
  }))`)) as { passes: number; violations: { id: string; impact: string; nodes: number }[] };
  expect(passes).toBeGreaterThan(5); // axe really looked at the screen
  const found = violations;
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

const currentContact = async () => String(await page.evaluate("document.body.dataset.contact ?? ''"));
const standIn = (contactId: string) => app.stack.connect.standIn.recording(contactId).state;

describe('agent: a drawn call', () => {
  it('shows the call is recorded; Suspendre suspends it in Connect and the button becomes Reprendre; Reprendre resumes', async () => {
    await page.getByRole('button', { name: 'Appel entrant (tiré au sort)' }).click();
    const f = frame();
    await f.getByText('Enregistrement en cours (appel tiré au sort).').waitFor();
    const contactId = await currentContact();
    expect(await f.getByText(`Contact ${contactId}`).count()).toBe(1);
    expect(await axe()).toEqual([]);

    await f.getByRole('button', { name: 'Suspendre l’enregistrement' }).click();
    await f.getByRole('button', { name: 'Reprendre l’enregistrement' }).waitFor();
    expect(standIn(contactId)).toBe('suspended');
    expect(await f.getByText('Enregistrement suspendu (appel tiré au sort).').count()).toBe(1);
    expect(await f.getByRole('button', { name: 'Suspendre l’enregistrement' }).count()).toBe(0);

    await f.getByRole('button', { name: 'Reprendre l’enregistrement' }).click();
    await f.getByRole('button', { name: 'Suspendre l’enregistrement' }).waitFor();
    expect(standIn(contactId)).toBe('recording');
  });

  it('keeps the controls on the right contact after a transfer', async () => {
    const before = await currentContact();
    await page.getByRole('button', { name: 'Transférer l’appel' }).click();
    await page.waitForFunction(`document.body.dataset.contact !== ${JSON.stringify(before)}`);
    const after = await currentContact();
    const f = frame();
    await f.getByText(`Appel transféré : les commandes portent sur le contact ${after}.`).waitFor();
    await f.getByText('Enregistrement en cours (appel tiré au sort).').waitFor();
    const suspends = apiCalls.filter((c) => c.endsWith('/suspend')).length;
    await f.getByRole('button', { name: 'Suspendre l’enregistrement' }).click();
    await f.getByRole('button', { name: 'Reprendre l’enregistrement' }).waitFor();
    expect(apiCalls.filter((c) => c.endsWith('/suspend'))).toHaveLength(suspends + 1);
    expect(apiCalls.at(-1)).toBe(`POST /api/contacts/${after}/recording/suspend`);
    expect(standIn(after)).toBe('suspended');
    await f.getByRole('button', { name: 'Reprendre l’enregistrement' }).click();
    await f.getByRole('button', { name: 'Suspendre l’enregistrement' }).waitFor();
    expect(standIn(after)).toBe('recording');
  });

  it('refuses bad passages with a French message and sends nothing', async () => {
    await page.getByRole('button', { name: 'Raccrocher' }).click();
    const f = frame();
    await f.getByText('Durée connue de l’enregistrement : 01:00').waitFor();
    const sent = apiCalls.length;
    const tryRange = async (from: string, to: string, message: string) => {
      await f.getByLabel('Début (mm:ss)').fill(from);
      await f.getByLabel('Fin (mm:ss)').fill(to);
      await f.getByRole('button', { name: 'Masquer ce passage' }).click();
      await f.getByRole('alert').filter({ hasText: message }).waitFor();
    };
    await tryRange(
      '00:50',
      '01:30',
      'Le passage dépasse la fin de l’enregistrement (01:00). Rien n’a été envoyé.',
    );
    await tryRange('00:25', '00:10', 'Le début doit précéder la fin. Rien n’a été envoyé.');
    await tryRange('1:5', '00:10', 'Le début doit s’écrire mm:ss, par exemple 01:05. Rien n’a été envoyé.');
    await tryRange('00:10', '25', 'La fin doit s’écrire mm:ss, par exemple 01:25. Rien n’a été envoyé.');
    await f.getByLabel('Les dernières secondes').check();
    await f.getByLabel('Nombre de secondes').fill('90');
    await f.getByRole('button', { name: 'Masquer ce passage' }).click();
    await f
      .getByRole('alert')
      .filter({ hasText: 'L’enregistrement ne dure que 01:00. Rien n’a été envoyé.' })
      .waitFor();
    expect(apiCalls.slice(sent).filter((c) => c.startsWith('POST'))).toEqual([]);
  });

  it('masks 00:10–00:25 after the call and shows the request until done, with its proof', async () => {
    const f = frame();
    await f.getByLabel('Un passage (mm:ss–mm:ss)').check();
    await f.getByLabel('Début (mm:ss)').fill('00:10');
    await f.getByLabel('Fin (mm:ss)').fill('00:25');
    await f.getByRole('button', { name: 'Masquer ce passage' }).click();
    const done = f.locator('li[data-status="done"]').filter({ hasText: 'Masquage 00:10–00:25' });
    await done.waitFor();
    expect(await done.getByText('✓ terminée').count()).toBe(1);
    await done.getByText('Preuve').click();
    expect(JSON.parse((await done.locator('pre').textContent()) ?? '{}')).toMatchObject({
      replaced: [expect.objectContaining({ newVersionId: expect.any(String) })],
    });
    expect(await axe()).toEqual([]);
  });

  it('deletes the recording after another call and shows done with its proof', async () => {
    await page.getByRole('button', { name: 'Appel entrant (tiré au sort)' }).click();
    const f = frame();
    await f.getByText('Enregistrement en cours (appel tiré au sort).').waitFor();
    await page.getByRole('button', { name: 'Raccrocher' }).click();
    await f.getByText('Durée connue de l’enregistrement : 01:00').waitFor();
    await f.getByRole('button', { name: 'Supprimer l’enregistrement' }).click();
    await f
      .getByRole('button', { name: 'Confirmer la suppression de tout l’enregistrement de cet appel' })
      .click();
    const done = f.locator('li[data-status="done"]').filter({ hasText: 'Suppression' });
    await done.waitFor();
    await done.getByText('Preuve').click();
    expect(JSON.parse((await done.locator('pre').textContent()) ?? '{}')).toMatchObject({
      deleted: [expect.objectContaining({ key: expect.stringContaining('CallRecordings') })],
    });
    expect(await f.getByRole('button', { name: 'Masquer ce passage' }).count()).toBe(0);
  });

  it('says a call that was not drawn is not recorded and offers no Suspendre', async () => {
    await page.getByRole('button', { name: 'Appel entrant (non tiré)' }).click();
    const f = frame();
    await f.getByText('Cet appel n’est pas enregistré (non tiré au sort).').waitFor();
    expect(await f.getByRole('button', { name: 'Suspendre l’enregistrement' }).count()).toBe(0);
    expect(await f.getByRole('button', { name: 'Supprimer l’enregistrement' }).count()).toBe(0);
    expect(await axe()).toEqual([]);
    await page.getByRole('button', { name: 'Raccrocher' }).click();
  });

  it('shows Mes données: my recordings of the month and my requests with proofs; switches to English', async () => {
    const f = frame();
    await f.getByRole('button', { name: 'Mes données' }).click();
    await f.getByRole('table', { name: 'Mes demandes et leurs preuves' }).waitFor();
    // The transferred call's last contact (masked) and the deleted call; the call not drawn has none.
    const rows = f.getByRole('table', { name: 'Mes enregistrements du mois' }).locator('tbody tr');
    expect(await rows.allTextContents()).toEqual([
      expect.stringMatching(/masqué|supprimé/),
      expect.stringMatching(/masqué|supprimé/),
    ]);
    expect(await axe()).toEqual([]);
    await f.getByRole('button', { name: 'Switch to English' }).click();
    await f.getByRole('table', { name: 'My requests and their proofs' }).waitFor();
    await f.getByRole('button', { name: 'Passer en français' }).click();
  });

  it('shows my audit entries in Mes données, in words, their state announced; the API refuses another agent’s', async () => {
    const f = frame();
    await f.getByRole('button', { name: 'Mes données' }).click();
    const entries = f.getByRole('table', { name: 'Mes traces d’audit' });
    await entries.waitFor();
    const text = (await entries.locator('tbody').textContent()) ?? '';
    // The suspension, the deletion and the masking of the calls above, done by me, in words.
    expect(text).toContain('enregistrement suspendu');
    expect(text).toContain('suppression demandée');
    expect(text).toContain('masquage demandé');
    expect(text).toContain('moi');
    // The state is said in words, not only shown (no colour-only state), and announced.
    const status = f.getByRole('status').filter({ hasText: 'trace(s) affichée(s)' });
    expect(await status.textContent()).toMatch(/\d+ trace\(s\) affichée\(s\) — (toutes les traces|il reste)/);
    expect(await axe()).toEqual([]);
    expect(apiCalls).toContainEqual('GET /api/me/audit');
    // Another agent's id as a parameter is refused by the API, whatever the app sends.
    const other = await f.evaluate(async () => {
      const { idToken } = (await (await fetch('/__local/token?as=agent')).json()) as { idToken: string };
      const res = await fetch('/api/me/audit?agentId=00000000-0000-4000-8000-0000000000ff', {
        headers: { authorization: `Bearer ${idToken}` },
      });
      return res.status;
    });
    expect(other).toBe(403);
  });
});

describe('coach', () => {
  it('sees only the assigned listen, plays it from the S3 stand-in and sends an evaluation', async () => {
    await page.getByLabel('Personne connectée').selectOption('coach');
    await page.waitForFunction("document.getElementById('app').src.includes('as=coach')");
    await page.waitForFunction(
      "[...document.getElementById('app').contentDocument.querySelectorAll('h2')].some((h) => h.textContent === 'Mes écoutes attribuées')",
    );
    const f = frame();
    await f.getByRole('heading', { name: 'Mes écoutes attribuées' }).waitFor();
    const items = f.locator('ul.listens li');
    await items.first().waitFor();
    expect(await items.count()).toBe(1);
    expect(await items.first().getAttribute('data-contact')).toBe(app.scenario.listens.assigned);
    expect(await f.content()).not.toContain(app.scenario.listens.other);
    expect(await axe()).toEqual([]);

    const audio = page.waitForResponse((r) => r.url().includes('/s3/') && r.status() < 300);
    await f.getByRole('button', { name: 'Écouter — Écoute 1' }).click();
    const response = await audio;
    expect((await response.body()).length).toBeGreaterThan(1000);
    expect(response.headers()['content-type']).toBe('audio/wav');

    for (const criterion of [
      'Accueil',
      'Analyse du besoin',
      'Solution',
      'Clarté',
      'Courtoisie',
      'Conclusion',
    ]) {
      await f.getByRole('group', { name: criterion }).getByLabel('4').check();
    }
    await f.getByLabel('Commentaire (facultatif)').fill('Bonne reformulation.');
    await f.getByRole('button', { name: 'Envoyer l’évaluation' }).click();
    await f.getByText('Évaluation envoyée.').waitFor();
    expect(await axe()).toEqual([]);
  });

  it('is refused a URL for a recording not assigned to them', async () => {
    const status = await frame().evaluate(`(async () => {
      const token = (await (await fetch('/__local/token?as=coach')).json()).idToken;
      const res = await fetch('/api/recordings/${app.scenario.listens.other}/playback', {
        method: 'POST',
        headers: { authorization: 'Bearer ' + token },
      });
      return { status: res.status, body: await res.json() };
    })()`);
    expect(status).toEqual({
      status: 403,
      body: { error: { code: 'not-assigned', message: 'no listen of this contact is assigned to you' } },
    });
  });
});
