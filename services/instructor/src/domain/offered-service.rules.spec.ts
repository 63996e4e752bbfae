import { checkTerms } from './offered-service.rules';
import type { OfferedServiceTerms } from './instructor.types';

const terms: OfferedServiceTerms = {
  hourlyRate: { amountMinor: 6000, currency: 'usd' },
  durationsMinutes: [60, 30, 60],
  ageGroups: ['adults', 'kids'],
  levels: ['advanced', 'beginner'],
  lessonModes: ['online', 'at_student_place'],
  travelRadiusMiles: 10,
  description: '  ',
};

describe('offered service terms', () => {
  it('are normalised: currency upper-case, durations sorted and unique, choices in vocabulary order', () => {
    expect(checkTerms(terms)).toEqual({
      hourlyRate: { amountMinor: 6000, currency: 'USD' },
      durationsMinutes: [30, 60],
      ageGroups: ['kids', 'adults'],
      levels: ['beginner', 'advanced'],
      lessonModes: ['at_student_place', 'online'],
      travelRadiusMiles: 10,
      description: null,
    });
  });

  it.each([
    ['an unknown currency', { hourlyRate: { amountMinor: 6000, currency: 'XYZ' } }, 'hourlyRate.currency'],
    ['a fractional rate', { hourlyRate: { amountMinor: 60.5, currency: 'USD' } }, 'hourlyRate.amountMinor'],
    ['no durations', { durationsMinutes: [] }, 'durationsMinutes'],
    ['a 50-minute lesson', { durationsMinutes: [50] }, 'durationsMinutes'],
    ['no lesson mode', { lessonModes: [] }, 'lessonModes'],
    ["travel without a radius", { travelRadiusMiles: null }, 'travelRadiusMiles'],
    ['a radius without travel', { lessonModes: ['online'] }, 'travelRadiusMiles'],
    ['no level', { levels: [] }, 'levels'],
  ] as [string, Partial<OfferedServiceTerms>, string][])('refuse %s', (_, change, field) => {
    expect(() => checkTerms({ ...terms, ...change })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', details: expect.objectContaining({ field }) }));
  });
});
