import { describe, expect, it } from 'vitest';
import { isJsonObject } from '../../../lambda/core/canonical-json';
import {
  type ChangeRecord,
  classifyChange,
  findTampering,
  tableNameOfStream,
} from '../../../lambda/core/write-sentinel';

describe('classifyChange', () => {
  const arn = (table: string) =>
    `arn:aws:dynamodb:eu-central-1:111122223333:table/${table}/stream/2026-12-01T00:00:00.000`;
  const t = { audit: 'audit', decisions: 'decisions' } as const;
  const keys = { chain: { S: 'privacy/2026-12' }, seq: { N: '4' } };
  it.each([
    ['INSERT', undefined, 'first-write'],
    ['REMOVE', { type: 'Service', principalId: 'dynamodb.amazonaws.com' }, 'ttl-expiry'],
    ['REMOVE', { type: 'Service', principalId: 'someone.amazonaws.com' }, 'tampered'],
    ['REMOVE', { type: 'User', principalId: 'dynamodb.amazonaws.com' }, 'tampered'],
    ['REMOVE', undefined, 'tampered'],
    ['MODIFY', undefined, 'tampered'],
    ['MODIFY', { type: 'Service', principalId: 'dynamodb.amazonaws.com' }, 'tampered'],
    ['SOMETHING', undefined, 'tampered'],
  ])('%s by %j is %s', (eventName, userIdentity, verdict) => {
    const c = classifyChange(
      {
        eventName,
        eventSourceARN: arn('audit'),
        dynamodb: { Keys: keys },
        ...(userIdentity ? { userIdentity } : {}),
      },
      t,
    );
    expect(c.verdict).toBe(verdict);
  });

  it('reports a record it cannot read, or from a table it does not know, as tampering', () => {
    expect(classifyChange({}, t)).toMatchObject({
      verdict: 'tampered',
      tampering: { table: 'unknown', change: 'unreadable' },
    });
    expect(
      classifyChange({ eventName: 'INSERT', eventSourceARN: arn('other'), dynamodb: { Keys: keys } }, t),
    ).toMatchObject({
      verdict: 'tampered',
      tampering: { table: 'unknown' },
    });
    expect(classifyChange({ eventName: 'MODIFY', eventSourceARN: arn('audit') }, t)).toMatchObject({
      verdict: 'tampered',
      tampering: { table: 'audit', change: 'unreadable', key: '(no key)' },
    });
  });

  const tampering = (record: ChangeRecord, tables: Parameters<typeof classifyChange>[1] = t) => {
    const c = classifyChange(record, tables);
    if (c.verdict !== 'tampered') throw new Error(`expected tampering, got ${c.verdict}`);
    return c.tampering;
  };

  it('reports everything it knows of a change: key, event, time and both hashes', () => {
    const found = tampering({
      eventID: 'e-1',
      eventName: 'MODIFY',
      eventSourceARN: arn('audit'),
      dynamodb: {
        ApproximateCreationDateTime: 1_764_579_600,
        Keys: keys,
        OldImage: { ...keys, hash: { S: 'old' } },
        NewImage: { ...keys, hash: { S: 'new' } },
      },
    });
    expect(found).toStrictEqual({
      table: 'audit',
      change: 'MODIFY',
      key: 'chain=privacy/2026-12 seq=4',
      eventId: 'e-1',
      changedAt: '2025-12-01T09:00:00.000Z',
      oldHash: 'old',
      newHash: 'new',
    });
  });

  it('reports a change whose stream carries keys only, or no usable time, without the missing parts', () => {
    for (const at of [undefined, Number.NaN]) {
      const found = tampering({
        eventName: 'REMOVE',
        eventSourceARN: arn('audit'),
        dynamodb: { Keys: keys, ...(at === undefined ? {} : { ApproximateCreationDateTime: at }) },
      });
      // No member left undefined: the finding is recorded as it is, and canonical JSON refuses undefined.
      expect(found).toStrictEqual({ table: 'audit', change: 'REMOVE', key: 'chain=privacy/2026-12 seq=4' });
      expect(isJsonObject({ ...found })).toBe(true);
    }
  });

  it('names the same item the same way whatever order the stream lists its key attributes in', () => {
    const reversed = { seq: { N: '4' }, chain: { S: 'privacy/2026-12' } };
    expect(
      tampering({ eventName: 'REMOVE', eventSourceARN: arn('audit'), dynamodb: { Keys: reversed } }).key,
    ).toBe('chain=privacy/2026-12 seq=4');
  });

  it('reports an unknown change on a bookkeeping partition as unreadable, not as bookkeeping', () => {
    const watermark = { chain: { S: '_watermark' }, seq: { N: '0' } };
    expect(
      classifyChange({ eventName: 'MODIFY', eventSourceARN: arn('audit'), dynamodb: { Keys: watermark } }, t),
    ).toEqual({ verdict: 'bookkeeping' });
    expect(
      tampering({ eventName: 'SOMETHING', eventSourceARN: arn('audit'), dynamodb: { Keys: watermark } }),
    ).toEqual({ table: 'audit', change: 'unreadable', key: 'chain=_watermark seq=0' });
  });

  it('exempts bookkeeping partitions on the audit table only', () => {
    const lookalike = { chain: { S: '_watermark' }, seq: { N: '0' } };
    expect(
      tampering({ eventName: 'MODIFY', eventSourceARN: arn('decisions'), dynamodb: { Keys: lookalike } }),
    ).toMatchObject({ table: 'decisions', change: 'MODIFY' });
  });

  it('does not take a record from an unnamed or oddly named table for one it watches', () => {
    const insert = (eventSourceARN?: string): ChangeRecord => ({
      eventName: 'INSERT',
      ...(eventSourceARN === undefined ? {} : { eventSourceARN }),
      dynamodb: { Keys: keys },
    });
    // No stream ARN is no table, even when a watched table is literally called "undefined".
    expect(tampering(insert(), { undefined: 'audit' })).toMatchObject({
      table: 'unknown',
      change: 'unreadable',
    });
    expect(tampering(insert('not an arn'))).toMatchObject({ table: 'unknown' });
    // Names an object inherits are not watched tables.
    for (const name of ['constructor', 'toString', '__proto__'])
      expect(tampering(insert(arn(name))), name).toMatchObject({ table: 'unknown' });
  });

  it('reads the table name from a stream ARN only', () => {
    expect(tableNameOfStream(arn('fairlisten-audit'))).toBe('fairlisten-audit');
    expect(
      tableNameOfStream('arn:aws:dynamodb:eu-central-1:111122223333:table/fairlisten-audit'),
    ).toBeUndefined();
    expect(tableNameOfStream(undefined)).toBeUndefined();
  });

  it('finds the tampering among first writes and expiries, in stream order', () => {
    const record = (eventName: string, seq: string): ChangeRecord => ({
      eventName,
      eventSourceARN: arn('audit'),
      dynamodb: { Keys: { chain: { S: 'listens/2026-12' }, seq: { N: seq } } },
    });
    expect(
      findTampering(
        [record('INSERT', '1'), record('REMOVE', '2'), record('INSERT', '3'), record('MODIFY', '1')],
        t,
      ),
    ).toEqual([
      { table: 'audit', change: 'REMOVE', key: 'chain=listens/2026-12 seq=2' },
      { table: 'audit', change: 'MODIFY', key: 'chain=listens/2026-12 seq=1' },
    ]);
  });
});
