import { assertWeekStart } from './week-slots.rules';
import { weekVersion } from './week-version.rules';

describe('week version', () => {
  const monday = { dayOfWeek: 1, startTime: '09:00', endTime: '12:00' };
  const tuesday = { dayOfWeek: 2, startTime: '14:00', endTime: '18:00' };

  it('is the same for the same contents in any order', () => {
    expect(weekVersion('America/New_York', [monday, tuesday])).toBe(weekVersion('America/New_York', [tuesday, monday]));
  });

  it('changes with any slot or the timezone', () => {
    const base = weekVersion('America/New_York', [monday]);
    expect(weekVersion('America/New_York', [{ ...monday, endTime: '12:30' }])).not.toBe(base);
    expect(weekVersion('America/Chicago', [monday])).not.toBe(base);
    expect(weekVersion('America/New_York', [monday, tuesday])).not.toBe(base);
  });
});

describe('week start', () => {
  it('accepts a Monday', () => {
    expect(() => assertWeekStart('2026-11-23')).not.toThrow();
  });

  it.each(['2026-11-24', '2026-02-30', '23-11-2026', '2026-11-23T00:00:00Z', ''])('refuses %p with BAD_USER_INPUT', (value) => {
    expect(() => assertWeekStart(value)).toThrow(expect.objectContaining({ apiCode: 'BAD_USER_INPUT' }));
  });
});
