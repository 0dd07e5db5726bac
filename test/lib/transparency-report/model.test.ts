import { describe, expect, it } from 'vitest';
import { exampleMonthData } from '../../../lib/transparency-report/example';
import { type MonthData, MonthDataError, parseMonthData } from '../../../lib/transparency-report/model';

const base = exampleMonthData();
const clone = (): MonthData => structuredClone(base);

describe('month data model', () => {
  it('accepts the example month, deterministically', () => {
    expect(parseMonthData(clone())).toEqual(base);
    expect(exampleMonthData()).toEqual(base);
    expect(base.agents.length).toBe(41);
    expect(base.assignments.every((x) => x.agentTeam !== x.coachTeam)).toBe(true);
  });

  it.each([
    ['a name as agent id', (m: MonthData) => (m.agents[0]!.id = 'Marie Dupont'), /not an opaque pseudonym/],
    [
      'a Connect user id as coach id',
      (m: MonthData) => (m.coaches[0]!.id = '3f0c2a4e-1b2c-4d5e-8f90-123456789abc'),
      /not an opaque pseudonym/,
    ],
    [
      'listens that disagree with assignments',
      (m: MonthData) => m.agents[0]!.listens++,
      /listens \d+ but \d+ assignments/,
    ],
    [
      'coach load that disagrees',
      (m: MonthData) => m.coaches[0]!.listens++,
      /listens \d+ but \d+ assignments/,
    ],
    ['reasons that do not add up', (m: MonthData) => m.reasons['not-drawn']++, /reasons add up to/],
    ['recorded ≠ recordings', (m: MonthData) => m.agents[0]!.recorded++, /recorded \d+ but \d+ recordings/],
    ['an unknown team', (m: MonthData) => (m.plans[0]!.agentTeam = 'nope'), /unknown team "nope"/],
    [
      'a recording outside the period',
      (m: MonthData) => (m.agents[0]!.recordings[0]!.decidedAt = '2027-04-02T10:00:00.000Z'),
      /outside period 2027-03/,
    ],
    [
      'a done request without completedAt',
      (m: MonthData) => delete m.requests[0]!.completedAt,
      /needs completedAt/,
    ],
    [
      'an unknown field (a phone number)',
      (m: MonthData) => Object.assign(m.requests[0]!, { phone: '+33…' }),
      /phone/,
    ],
    ['a sampling rate above 30 %', (m: MonthData) => (m.policy.samplingRate = 0.5), /samplingRate/],
  ])('rejects %s', (_what, mutate, message) => {
    const m = clone();
    mutate(m);
    expect(() => parseMonthData(m)).toThrow(MonthDataError);
    expect(() => parseMonthData(m)).toThrow(message);
  });
});
