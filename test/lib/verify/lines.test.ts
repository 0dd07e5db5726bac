import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { forEachLine, LineReader, UuidSet } from '../../../lib/verify/lines';

const dir = mkdtempSync(join(tmpdir(), 'fairlisten-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function readAll(text: string, chunk: number): string[] {
  const file = join(dir, 'f.txt');
  writeFileSync(file, text);
  const reader = new LineReader(file, chunk);
  const out: string[] = [];
  for (let t = reader.next(); t !== undefined; t = reader.next()) {
    out.push(t);
    expect(reader.line).toBe(out.length);
  }
  reader.close();
  return out;
}

describe('LineReader', () => {
  it('gives the lines of the text, whatever the buffer size and the characters', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme', maxLength: 12 }), { maxLength: 12 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 9 }),
        (lines, trailing, chunk) => {
          const text = lines.join('\n') + (trailing && lines.length > 0 ? '\n' : '');
          // A final newline ends the last line; it does not start another.
          const expected = text.split('\n');
          if (text === '' || text.endsWith('\n')) expected.pop();
          expect(readAll(text, chunk)).toEqual(expected);
        },
      ),
    );
  });

  it('keeps a carriage return and grows for a line longer than its buffer', () => {
    expect(readAll('é€😀 long line\r\n\nlast', 2)).toEqual(['é€😀 long line\r', '', 'last']);
  });

  it('reads a file of many short lines in its first buffer, and doubles it only for a longer line', () => {
    const file = join(dir, 'many.txt');
    const lines = Array.from({ length: 500 }, (_, i) => `line ${i}`);
    writeFileSync(file, `${lines.join('\n')}\n${'x'.repeat(40)}\nend`);
    const reader = new LineReader(file, 16);
    const out: string[] = [];
    for (let t = reader.next(); t !== undefined; t = reader.next()) {
      out.push(t);
      // 'line 499\n' and the next one never fill 16 bytes: what was read is moved, the buffer stays.
      if (out.length <= 500) expect(reader.bufferBytes).toBe(16);
    }
    reader.close();
    expect(out).toEqual([...lines, 'x'.repeat(40), 'end']);
    // 40 bytes and its newline: 16 → 32 → 64.
    expect(reader.bufferBytes).toBe(64);
  });

  it('feeds the digest every byte of the file, once and in order, whatever the buffer size', () => {
    const text = `${'é€😀 ligne\n'.repeat(30)}no newline at the end`;
    const file = join(dir, 'digest.txt');
    writeFileSync(file, text);
    for (const chunk of [1, 3, 7, 64, 4096]) {
      const digest = createHash('sha256');
      const reader = new LineReader(file, chunk, digest);
      while (reader.next() !== undefined);
      reader.close();
      expect(digest.digest('hex')).toBe(createHash('sha256').update(text).digest('hex'));
    }
  });

  it('closes the file (no descriptor of this process points to it afterwards)', () => {
    const file = join(dir, 'closed.txt');
    writeFileSync(file, 'a\nb\n');
    const reader = new LineReader(file, 4);
    expect(openOn(file)).toBe(1);
    reader.close();
    expect(openOn(file)).toBe(0);
  });
});

/** How many of this process's file descriptors are open on `file` (Linux: /proc/self/fd). */
function openOn(file: string): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === file) n++;
    } catch {
      // closed meanwhile (the directory's own descriptor)
    }
  }
  return n;
}

describe('forEachLine', () => {
  it('calls back with every line and its 1-based number, feeds the digest, and closes the file', () => {
    const file = join(dir, 'each.txt');
    writeFileSync(file, 'one\r\n\nthree\n');
    const seen: [string, number][] = [];
    const digest = createHash('sha256');
    forEachLine(file, (text, line) => void seen.push([text, line]), digest);
    expect(seen).toEqual([
      ['one\r', 1],
      ['', 2],
      ['three', 3],
    ]);
    expect(digest.digest('hex')).toBe(createHash('sha256').update('one\r\n\nthree\n').digest('hex'));
    expect(openOn(file)).toBe(0);
  });

  it('closes the file when the callback throws, and passes the error on', () => {
    const file = join(dir, 'throws.txt');
    writeFileSync(file, 'a\nb\n');
    const seen: string[] = [];
    expect(() =>
      forEachLine(file, (text) => {
        seen.push(text);
        throw new Error(`stop at ${text}`);
      }),
    ).toThrow('stop at a');
    expect(seen).toEqual(['a']);
    expect(openOn(file)).toBe(0);
  });
});

describe('UuidSet', () => {
  it('answers as a Set of the ids does, through its growth', () => {
    fc.assert(
      // size 'max': fast-check's default size would keep the arrays far below the first growth (512 ids).
      fc.property(fc.array(fc.uuid(), { maxLength: 3000, size: 'max' }), (ids) => {
        const set = new UuidSet();
        const reference = new Set<string>();
        for (const id of [...ids, ...ids]) {
          expect(set.add(id)).toBe(!reference.has(id));
          reference.add(id);
        }
        expect(set.size).toBe(reference.size);
      }),
      { numRuns: 20 },
    );
  });

  it('tells apart every value of any two neighbouring hex digits, and finds each again', () => {
    // Ids that differ in one or two digits of one 32-bit word land in the same slots often: each
    // must still be new the first time and a duplicate the second (every word compared).
    const base = '0123abcd-4567-89ef-fedc-ba9876543210';
    const digits = [...base.matchAll(/[0-9a-f]/g)].map((m) => m.index);
    const HEX = '0123456789abcdef';
    for (let p = 0; p + 1 < digits.length; p++) {
      const set = new UuidSet();
      const ids: string[] = [];
      for (const x of HEX) {
        for (const y of HEX) {
          const chars = [...base];
          chars[digits[p]!] = x;
          chars[digits[p + 1]!] = y;
          ids.push(chars.join(''));
        }
      }
      for (const id of ids) expect(set.add(id), id).toBe(true);
      for (const id of ids) expect(set.add(id), id).toBe(false);
      expect(set.size).toBe(256);
    }
  });

  it('keeps its table at most half full: 1,024 slots for 512 ids, twice as many from the 513th', () => {
    const set = new UuidSet();
    const id = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
    expect(set.bytes).toBe(1024 * 17);
    for (let i = 0; i < 512; i++) set.add(id(i));
    expect(set.bytes).toBe(1024 * 17);
    set.add(id(512));
    expect(set.bytes).toBe(2048 * 17);
    for (let i = 513; i < 1024; i++) set.add(id(i));
    expect(set.bytes).toBe(2048 * 17);
    set.add(id(1024));
    expect(set.bytes).toBe(4096 * 17);
    for (let i = 0; i <= 1024; i++) expect(set.add(id(i))).toBe(false);
    expect(set.size).toBe(1025);
  });

  it('refuses what is not a lowercase UUID', () => {
    expect(() => new UuidSet().add('C-1')).toThrow(/not a UUID/);
    // Exactly the lowercase 8-4-4-4-12 form: any one character changed or moved is refused.
    const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.nat(36),
        fc.constantFrom('-', 'g', 'A', 'F', '0', 'f', '/', ':', '`', '@', ' ', ''),
        (id, at, c) => {
          const text = id.slice(0, at) + c + id.slice(at + 1);
          if (UUID.test(text)) expect(new UuidSet().add(text)).toBe(true);
          else expect(() => new UuidSet().add(text)).toThrow(/not a UUID/);
        },
      ),
      { numRuns: 500 },
    );
    expect(() => new UuidSet().add('6F9619FF-8B86-D011-B42D-00C04FC964FF')).toThrow(/not a UUID/);
  });
});
