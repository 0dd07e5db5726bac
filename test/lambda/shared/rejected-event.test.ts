import { describe, expect, it, vi } from 'vitest';
import { parseCreatedObjects } from '../../../lambda/ingest/event';
import { actionEventSchema } from '../../../lambda/recording-actions/schema';
import { REJECTED_EVENT_MESSAGE, reject } from '../../../lambda/shared/rejected-event';

const SECRET = '+33612345678';

describe('rejected events', () => {
  it.each([
    ['not an object', SECRET],
    ['no Records', { detail: SECRET }],
    [
      'a record without a key',
      {
        Records: [
          {
            eventName: 'ObjectCreated:Put',
            eventTime: '2026-12-01T00:00:00Z',
            s3: { bucket: { name: SECRET }, object: {} },
          },
        ],
      },
    ],
    [
      'a bad time',
      {
        Records: [{ eventName: 'x', eventTime: SECRET, s3: { bucket: { name: 'b' }, object: { key: 'k' } } }],
      },
    ],
  ])('ingest rejects %s with a reason that carries no value of the event', (_name, event) => {
    const parsed = parseCreatedObjects(event);
    expect('error' in parsed).toBe(true);
    const logger = { warn: vi.fn() };
    const rejection = reject(logger, (parsed as { error: never }).error);
    expect(rejection.rejected).toBe(true);
    expect(rejection.reasons.length).toBeGreaterThan(0);
    expect(logger.warn).toHaveBeenCalledWith(REJECTED_EVENT_MESSAGE, { reasons: rejection.reasons });
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain(SECRET);
  });

  it('ingest reads a well-formed notification', () => {
    const parsed = parseCreatedObjects({
      Records: [
        {
          eventName: 'ObjectCreated:Put',
          eventTime: '2026-12-01T00:00:00Z',
          s3: { bucket: { name: 'b' }, object: { key: 'a+b.wav', size: 3, versionId: 'v1' } },
        },
      ],
    });
    expect(parsed).toEqual({
      objects: [
        { bucket: 'b', key: 'a b.wav', versionId: 'v1', size: 3, eventTime: '2026-12-01T00:00:00.000Z' },
      ],
    });
  });

  it.each([[{}], [{ requestId: SECRET }], [null], [[1, 2]]])('recording actions reject %j', (event) => {
    const parsed = actionEventSchema.safeParse(event);
    expect(parsed.success).toBe(false);
    const logger = { warn: vi.fn() };
    const rejection = reject(logger, parsed.error!);
    expect(rejection.reasons.join(' ')).toMatch(/requestId|\(event\)/);
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain(SECRET);
  });
});
