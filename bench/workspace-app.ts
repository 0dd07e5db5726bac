/**
 * The workspace app against its local run (lib/workspace-app/local) in headless Chromium:
 * click Suspendre → the Connect stand-in has the recording suspended (median of 20), the app's
 * JavaScript gzip size, and the first render (page load until the panel is drawn, median of 5).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startLocalApp } from '../lib/workspace-app/local/server';
import { launchChromium } from '../test/support/chromium';
import type { BenchFigure } from './figure';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchWorkspaceApp(): Promise<BenchFigure[]> {
  const app = await startLocalApp();
  const { context, close } = await launchChromium();
  try {
    const gzip = gzipSync(readFileSync(join(app.appDir, 'app.js'))).length;

    const renders: number[] = [];
    for (let i = 0; i < 6; i++) {
      const page = await context.newPage();
      const t0 = performance.now();
      await page.goto(`${app.url}/app/?as=agent`);
      await page.getByText('Aucun appel en cours.').waitFor();
      if (i > 0) renders.push(performance.now() - t0); // the first load warms the server
      await page.close();
    }

    const page = await context.newPage();
    await page.goto(`${app.url}/`);
    const frame = () => page.frames().find((f) => f.url().includes('/app/'))!;
    await page.waitForFunction(
      "document.querySelector('#app').contentDocument?.body?.textContent?.includes('Aucun appel')",
    );
    await page.getByRole('button', { name: 'Appel entrant (tiré au sort)' }).click();
    await frame().getByText('Enregistrement en cours (appel tiré au sort).').waitFor();
    const contactId = String(await page.evaluate('document.body.dataset.contact'));
    const standIn = app.stack.connect.standIn;
    const clicks: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await frame().getByRole('button', { name: 'Suspendre l’enregistrement' }).click();
      while (standIn.recording(contactId).state !== 'suspended') await new Promise((r) => setImmediate(r));
      clicks.push(performance.now() - t0);
      await frame().getByRole('button', { name: 'Reprendre l’enregistrement' }).click();
      await frame().getByRole('button', { name: 'Suspendre l’enregistrement' }).waitFor();
    }
    return [
      {
        name: 'click Suspendre → Connect stand-in suspended (Chromium, local API)',
        value: Math.round(median(clicks) * 10) / 10,
        unit: 'ms',
        target: { op: '<=', value: 300 },
        note: `median of 20; max ${Math.round(Math.max(...clicks))} ms`,
      },
      {
        name: 'app JavaScript (app.js, minified, gzip)',
        value: Math.round(gzip / 102.4) / 10,
        unit: 'KB',
        target: { op: '<=', value: 150 },
        note: `${readFileSync(join(app.appDir, 'app.js')).length} bytes before gzip, SDK included`,
      },
      {
        name: 'first render (load → call panel drawn, local)',
        value: Math.round(median(renders)),
        unit: 'ms',
        target: { op: '<=', value: 1000 },
        note: 'median of 5 loads after one warm-up',
      },
    ];
  } finally {
    await close();
    await app.stop();
  }
}
