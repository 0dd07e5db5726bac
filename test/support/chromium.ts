/**
 * Headless Chromium for the browser tests: the Debian package at /usr/bin/chromium (`.ci/run`
 * installs it), driven by playwright-core. No browser download, ever: when Chromium is missing the
 * tests fail with the command that installs it, they do not skip.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.FAIRLISTEN_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function assertChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: the browser tests need it. Install it with ` +
        '`apt-get update && apt-get install -y chromium` (Debian), or set FAIRLISTEN_CHROMIUM to its path.',
    );
  }
}

/** A persistent context in a fresh temporary profile (removed by `close`). */
export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  assertChromium();
  const profile = mkdtempSync(join(tmpdir(), 'fairlisten-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    locale: 'fr-FR',
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
