/**
 * Progress on stderr: on a terminal one line updated in place; in a pipe or CI a full line at
 * most every few seconds (and the last one), never `\r`-joined updates.
 */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface Progress {
  update(text: string): void;
  /** Ends the progress line (prints the last update in a pipe if it was held back). */
  done(): void;
}

export function progress(
  stream: ProgressStream = process.stderr,
  options: { intervalMs?: number; now?: () => number } = {},
): Progress {
  // performance.now: the simulated month replaces Date.
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? 3000;
  let last: number | undefined;
  let pending: string | undefined;
  let shown = false;
  return {
    update(text) {
      if (stream.isTTY) {
        stream.write(`\r\x1b[2K${text}`);
        shown = true;
        return;
      }
      const t = now();
      if (last === undefined || t - last >= interval) {
        stream.write(`${text}\n`);
        last = t;
        pending = undefined;
      } else pending = text;
    },
    done() {
      if (stream.isTTY) {
        if (shown) stream.write('\n');
        shown = false;
      } else if (pending !== undefined) {
        stream.write(`${pending}\n`);
        pending = undefined;
      }
    },
  };
}
