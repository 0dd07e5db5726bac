import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { LineReader, UuidSet } from '../../../lib/verify/lines';

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
});

describe('UuidSet', () => {
  it('answers as a Set of the ids does, through its growth', () => {
    fc.assert(
      fc.property(fc.array(fc.uuid(), { maxLength: 3000 }), (ids) => {
        const set = new UuidSet();
        const reference = new Set<string>();
        for (const id of [...ids, ...ids.slice(0, 50)]) {
          expect(set.add(id)).toBe(!reference.has(id));
          reference.add(id);
        }
        expect(set.size).toBe(reference.size);
      }),
      { numRuns: 20 },
    );
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
