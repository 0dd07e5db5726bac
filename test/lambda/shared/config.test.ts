import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  envVars,
  json,
  oneOf,
  optionalText,
  parseEnvironment,
  text,
  whole,
} from '../../../lambda/shared/config';

const group = envVars({
  table: text('THE_TABLE'),
  bucket: optionalText('THE_BUCKET'),
  days: whole('THE_DAYS', 1, 90),
  limits: json('THE_LIMITS', z.strictObject({ max: z.int() })),
  level: oneOf('THE_LEVEL', ['L1', 'L2'] as const),
});
const schema = z.object(group.shape);

describe('envVars', () => {
  it('names each variable once, by config key', () => {
    expect(group.names).toEqual({
      table: 'THE_TABLE',
      bucket: 'THE_BUCKET',
      days: 'THE_DAYS',
      limits: 'THE_LIMITS',
      level: 'THE_LEVEL',
    });
  });

  it('writes the environment a function receives, leaving out absent optional values', () => {
    expect(group.write({ table: 't', days: 30, limits: { max: 4 }, level: 'L2' })).toEqual({
      THE_TABLE: 't',
      THE_DAYS: '30',
      THE_LIMITS: '{"max":4}',
      THE_LEVEL: 'L2',
    });
  });

  it('reads back exactly the values it wrote', () => {
    const values = { table: 't', bucket: 'b', days: 7, limits: { max: 2 }, level: 'L1' as const };
    expect(group.read(parseEnvironment(schema, group.write(values)))).toEqual(values);
  });

  it('names the variable that is missing or invalid', () => {
    const good = group.write({ table: 't', days: 30, limits: { max: 4 }, level: 'L2' });
    expect(() => parseEnvironment(schema, { ...good, THE_TABLE: '' })).toThrow(
      'environment variable THE_TABLE is not set',
    );
    expect(() => parseEnvironment(schema, { ...good, THE_DAYS: '91' })).toThrow(
      /environment variable THE_DAYS is invalid: must be a whole number 1\.\.90/,
    );
    expect(() => parseEnvironment(schema, { ...good, THE_LIMITS: '{"max":1,"extra":2}' })).toThrow(
      /environment variable THE_LIMITS is invalid/,
    );
    expect(() => parseEnvironment(schema, { ...good, THE_LEVEL: 'L9' })).toThrow(
      /environment variable THE_LEVEL is invalid/,
    );
  });
});
