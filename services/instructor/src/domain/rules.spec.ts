import { checkTerms } from './offered-service.rules';
import { checkAddress, checkBio, checkDisplayName, checkTimezone } from './profile.rules';
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

describe('profile fields', () => {
  it('trims text and refuses what cannot be shown', () => {
    expect(checkDisplayName('  Ada  ')).toBe('Ada');
    expect(() => checkDisplayName(' ')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => checkDisplayName('Ada\nLovelace')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(checkBio('Line one\nLine two ')).toBe('Line one\nLine two');
    expect(checkBio('   ')).toBeNull();
  });

  it('takes IANA timezones in their canonical spelling only', () => {
    expect(checkTimezone('America/New_York')).toBe('America/New_York');
    expect(checkTimezone('UTC')).toBe('UTC');
    expect(() => checkTimezone('Mars/Olympus')).toThrow(expect.objectContaining({ code: 'INVALID_TIMEZONE' }));
    expect(() => checkTimezone('America/New_York; drop table')).toThrow(expect.objectContaining({ code: 'INVALID_TIMEZONE' }));
  });

  it('takes US addresses with a ZIP code', () => {
    expect(checkAddress({ line1: ' 1 Main St ', postalCode: '11201-1234', state: 'ny' })).toEqual({
      line1: '1 Main St',
      line2: null,
      city: null,
      state: 'NY',
      postalCode: '11201',
      country: 'US',
    });
    expect(() => checkAddress({ line1: '1 Main St', postalCode: '1120' })).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'address.postalCode' }) }));
    expect(() => checkAddress({ line1: '1 Main St', postalCode: '11201', country: 'CA' })).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'address.country' }) }));
  });
});
