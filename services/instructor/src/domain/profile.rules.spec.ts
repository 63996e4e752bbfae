import { checkAddress, checkBio, checkDisplayName, checkTimezone } from './profile.rules';

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
