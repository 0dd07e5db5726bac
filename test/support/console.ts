/** What a command prints, captured for a test instead of shown. */
import { afterEach, beforeEach, vi } from 'vitest';

/**
 * Collects what `console.log` and `console.error` print (each call's arguments joined by a space),
 * in order, until the spies are restored (`vi.restoreAllMocks()`).
 */
export function captureConsole(): string[] {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  return lines;
}

/** Runs a command with the console captured: its exit code and what it printed. */
export async function runCaptured(
  command: () => Promise<number>,
): Promise<{ code: number; lines: string[] }> {
  const lines = captureConsole();
  try {
    return { code: await command(), lines };
  } finally {
    vi.restoreAllMocks();
  }
}

/**
 * Call at the top of a test file: in each test, `out` holds what `console.log` printed and `err`
 * what `console.error` printed (each call's arguments joined by a space); restored after each test.
 */
export function consolePerTest(): { readonly out: string[]; readonly err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  beforeEach(() => {
    out.length = 0;
    err.length = 0;
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  });
  afterEach(() => vi.restoreAllMocks());
  return { out, err };
}
