import { bookableStarts } from './bookable-slots.rules';

const at = (hhmm: string) => new Date(`2027-04-05T${hhmm}:00.000Z`);
const range = (a: string, b: string) => ({ start: at(a), end: at(b) });
const starts = (result: { start: Date }[]) => result.map((r) => r.start.toISOString().slice(11, 16));

describe('bookable starts', () => {
  const base = { durationMinutes: 60, bufferMinutes: 15, earliestStart: at('00:00'), latestStart: at('23:59') };

  it('lists quarter-hour starts whose whole lesson fits in a window', () => {
    expect(starts(bookableStarts([range('09:00', '10:30')], [], base))).toEqual(['09:00', '09:15', '09:30']);
  });

  it('keeps the lesson and its buffer clear of every blocked range (a hold blocks its lesson plus buffer)', () => {
    // A hold 10:00–11:00 blocks 10:00–11:15: a lesson must end plus 15 minutes by 10:00 or start at 11:15.
    const result = bookableStarts([range('08:00', '13:00')], [range('10:00', '11:15')], base);
    expect(starts(result)).toEqual(['08:00', '08:15', '08:30', '08:45', '11:15', '11:30', '11:45', '12:00']);
  });

  it('honours the earliest and latest start and the limit', () => {
    const result = bookableStarts([range('08:00', '13:00')], [], { ...base, earliestStart: at('09:05'), latestStart: at('10:00'), limit: 3 });
    expect(starts(result)).toEqual(['09:15', '09:30', '09:45']);
  });
});
