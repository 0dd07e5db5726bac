import { describe, expect, it } from 'vitest';
import { progress } from '../../../lib/cli/_progress';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { isTTY, written, write: (t: string) => written.push(t) };
}

describe('progress', () => {
  it('on a terminal, updates one line in place and ends it', () => {
    const s = stream(true);
    const p = progress(s);
    p.update('1/3');
    p.update('2/3');
    p.done();
    expect(s.written).toEqual(['\r\x1b[2K1/3', '\r\x1b[2K2/3', '\n']);
  });

  it('in a pipe, prints whole lines at most every interval, and the last one at the end', () => {
    const s = stream(false);
    let t = 0;
    const p = progress(s, { intervalMs: 3000, now: () => t });
    p.update('500');
    t = 1000;
    p.update('1000');
    t = 3100;
    p.update('1500');
    t = 3200;
    p.update('1600');
    p.done();
    expect(s.written).toEqual(['500\n', '1500\n', '1600\n']);
    expect(s.written.join('')).not.toContain('\r');
  });

  it('in a pipe, done after a printed update prints nothing more', () => {
    const s = stream(false);
    const p = progress(s, { now: () => 0 });
    p.update('all');
    p.done();
    expect(s.written).toEqual(['all\n']);
  });
});
