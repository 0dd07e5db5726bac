/**
 * `npm run app:screenshots`: the README's pictures of the app, taken in headless Chromium against
 * the local run — the agent's call panel during a drawn call (suspended, a passage masked after
 * an earlier call) and the coach's view with the player and the evaluation form.
 * Writes docs/img/workspace-app-agent.png and docs/img/workspace-app-coach.png.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../../test/support/chromium';
import { startLocalApp } from './local/server';

const OUT = fileURLToPath(new URL('../../docs/img/', import.meta.url));

const app = await startLocalApp();
const { context, close } = await launchChromium();
try {
  mkdirSync(OUT, { recursive: true });
  const page = await context.newPage();
  await page.setViewportSize({ width: 1100, height: 760 });
  await page.goto(`${app.url}/`);
  const frame = () => page.frames().find((f) => f.url().includes('/app/'))!;
  await frame().getByText('Aucun appel en cours.').waitFor();
  // An earlier call, masked after it ended.
  await page.getByRole('button', { name: 'Appel entrant (tiré au sort)' }).click();
  await frame().getByText('Enregistrement en cours (appel tiré au sort).').waitFor();
  await page.getByRole('button', { name: 'Raccrocher' }).click();
  await frame().getByText('Durée connue de l’enregistrement : 01:00').waitFor();
  await frame().getByLabel('Début (mm:ss)').fill('00:10');
  await frame().getByLabel('Fin (mm:ss)').fill('00:25');
  await frame().getByRole('button', { name: 'Masquer ce passage' }).click();
  await frame().locator('li[data-status="done"]').waitFor();
  // The current call, suspended.
  await page.getByRole('button', { name: 'Appel entrant (tiré au sort)' }).click();
  await frame().getByText('Enregistrement en cours (appel tiré au sort).').waitFor();
  await frame().getByRole('button', { name: 'Suspendre l’enregistrement' }).click();
  await frame().getByRole('button', { name: 'Reprendre l’enregistrement' }).waitFor();
  await page.screenshot({ path: `${OUT}workspace-app-agent.png` });
  // The coach.
  await page.getByLabel('Personne connectée').selectOption('coach');
  await page.waitForFunction(
    "[...document.getElementById('app').contentDocument.querySelectorAll('li')].some((l) => l.dataset.contact)",
  );
  await frame().getByRole('button', { name: 'Écouter — Écoute 1' }).click();
  await frame().getByRole('heading', { name: 'Évaluer cette écoute' }).waitFor();
  await page.screenshot({ path: `${OUT}workspace-app-coach.png` });
  console.log(`wrote ${OUT}workspace-app-{agent,coach}.png`);
} finally {
  await close();
  await app.stop();
}
