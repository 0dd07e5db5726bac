/**
 * Reading big inputs without loading them: a file's lines one at a time (a 4 MiB buffer, whatever
 * the file's size), and a compact set of contact ids (16 bytes an id) for the duplicate check.
 */
import type { Hash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';

const CHUNK = 4 * 1024 * 1024;
const NEWLINE = 0x0a;

/**
 * The lines of a UTF-8 file, pulled one at a time (`next()`: the line without its `\n`, or
 * undefined at the end). A `\n` byte never occurs inside a multi-byte character, so splitting the
 * bytes there is safe; a line longer than the buffer grows it.
 */
export class LineReader {
  private readonly fd: number;
  private buf: Buffer;
  private start = 0;
  private end = 0;
  private eof = false;
  /** 1-based number of the line `next()` returned last. */
  line = 0;

  /**
   * `chunkBytes`: the buffer's first size (a test reads with a few bytes to cross every boundary).
   * `digest`: fed every byte read, in order (two threads reading one file show they read the same).
   */
  constructor(
    file: string,
    chunkBytes = CHUNK,
    private readonly digest?: Hash,
  ) {
    this.buf = Buffer.allocUnsafe(chunkBytes);
    this.fd = openSync(file, 'r');
  }

  /** The buffer's size now: its first size, doubled only for a line longer than it. */
  get bufferBytes(): number {
    return this.buf.length;
  }

  next(): string | undefined {
    for (;;) {
      const nl = this.buf.indexOf(NEWLINE, this.start);
      if (nl !== -1 && nl < this.end) {
        const text = this.buf.toString('utf8', this.start, nl);
        this.start = nl + 1;
        this.line++;
        return text;
      }
      if (this.eof) {
        if (this.start >= this.end) return undefined;
        const text = this.buf.toString('utf8', this.start, this.end);
        this.start = this.end;
        this.line++;
        return text;
      }
      this.fill();
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  private fill(): void {
    // The unread bytes move to the front (a no-op when they are there already), then the buffer grows
    // only if they fill it.
    this.buf.copy(this.buf, 0, this.start, this.end);
    this.end -= this.start;
    this.start = 0;
    if (this.end === this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, this.end);
      this.buf = bigger;
    }
    const n = readSync(this.fd, this.buf, this.end, this.buf.length - this.end, null);
    if (n === 0) this.eof = true;
    else this.digest?.update(this.buf.subarray(this.end, this.end + n));
    this.end += n;
  }
}

/** Calls `fn` with every line of `file` (1-based numbers), reading 4 MiB at a time. */
export function forEachLine(file: string, fn: (text: string, line: number) => void, digest?: Hash): void {
  const reader = new LineReader(file, CHUNK, digest);
  try {
    for (let text = reader.next(); text !== undefined; text = reader.next()) fn(text, reader.line);
  } finally {
    reader.close();
  }
}

/** The value of a lowercase hex digit's code, or a negative number. */
function hexDigit(c: number): number {
  // Below '0' (48) the difference is negative already.
  if (c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/**
 * A set of lowercase UUIDs in an open-addressing table of 32-bit words (four an id, the table at
 * most half full): a million ids take 34 MiB, against ~100 MiB as a Set of strings. `add` returns false when the id
 * was there already. Only UUIDs: anything else throws.
 */
export class UuidSet {
  private words = new Uint32Array(4 * 1024);
  private used = new Uint8Array(1024);
  size = 0;

  /** The memory the table takes: 17 bytes a slot, at least twice as many slots as ids. */
  get bytes(): number {
    return this.words.byteLength + this.used.byteLength;
  }

  /** The 32 hex digits of the id being added, as four words. */
  private readonly parsed = new Uint32Array(4);

  add(id: string): boolean {
    // 8-4-4-4-12 lowercase hex digits, read straight into four words (no regex, no substrings).
    let ok = id.length === 36;
    for (let i = 0, k = 0; ok && i < 36; i++) {
      if (i === 8 || i === 13 || i === 18 || i === 23) {
        ok = id.charCodeAt(i) === 45;
        continue;
      }
      const d = hexDigit(id.charCodeAt(i));
      ok = d >= 0;
      this.parsed[k >> 3] = (this.parsed[k >> 3]! << 4) | d;
      k++;
    }
    if (!ok) throw new Error(`not a UUID: ${id}`);
    if ((this.size + 1) * 2 > this.used.length) this.grow();
    const w = this.parsed;
    return this.insert(w[0]!, w[1]!, w[2]!, w[3]!);
  }

  private insert(w0: number, w1: number, w2: number, w3: number): boolean {
    const mask = this.used.length - 1;
    let i = (Math.imul(w0 ^ w3, 0x9e3779b1) ^ w1 ^ Math.imul(w2, 0x85ebca6b)) & mask;
    for (;;) {
      if (!this.used[i]) {
        this.used[i] = 1;
        const o = 4 * i;
        this.words[o] = w0;
        this.words[o + 1] = w1;
        this.words[o + 2] = w2;
        this.words[o + 3] = w3;
        this.size++;
        return true;
      }
      const o = 4 * i;
      if (
        this.words[o] === w0 &&
        this.words[o + 1] === w1 &&
        this.words[o + 2] === w2 &&
        this.words[o + 3] === w3
      )
        return false;
      // Stryker disable next-line ArithmeticOperator: probing backwards visits every slot too, the same way for an insert and a look-up
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const { words, used } = this;
    this.words = new Uint32Array(words.length * 2);
    this.used = new Uint8Array(used.length * 2);
    this.size = 0;
    // Stryker disable next-line EqualityOperator: `<=` reads used[used.length], undefined: the extra turn inserts nothing
    for (let i = 0; i < used.length; i++) {
      if (used[i]) this.insert(words[4 * i]!, words[4 * i + 1]!, words[4 * i + 2]!, words[4 * i + 3]!);
    }
  }
}
