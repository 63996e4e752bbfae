import { mergeSlots, MAX_SLOTS_PER_WEEK, validateSlots } from './week-slots.rules';

const slot = (dayOfWeek: number, startTime: string, endTime: string) => ({ dayOfWeek, startTime, endTime });

describe('week slots', () => {
  it('accepts touching slots and 24:00 as an end, in canonical order', () => {
    expect(validateSlots([slot(2, '12:00', '24:00'), slot(2, '09:00', '12:00'), slot(1, '00:00', '00:15')])).toEqual([
      slot(1, '00:00', '00:15'),
      slot(2, '09:00', '12:00'),
      slot(2, '12:00', '24:00'),
    ]);
  });

  it.each([
    [slot(0, '09:00', '10:00'), 'INVALID_SLOT'],
    [slot(8, '09:00', '10:00'), 'INVALID_SLOT'],
    [slot(1, '09:10', '10:00'), 'INVALID_SLOT'],
    [slot(1, '9:00', '10:00'), 'INVALID_SLOT'],
    [slot(1, '24:00', '24:00'), 'INVALID_SLOT'],
    [slot(1, '10:00', '10:00'), 'INVALID_SLOT'],
    [slot(1, '11:00', '10:00'), 'INVALID_SLOT'],
    [slot(1, '10:00', '24:15'), 'INVALID_SLOT'],
  ])('refuses %p', (bad, reason) => {
    expect(() => validateSlots([bad])).toThrow(expect.objectContaining({ code: reason, apiCode: 'BAD_USER_INPUT' }));
  });

  it('refuses overlapping slots of one day but not of different days', () => {
    expect(() => validateSlots([slot(3, '09:00', '12:00'), slot(3, '11:45', '13:00')])).toThrow(expect.objectContaining({ code: 'OVERLAPPING_SLOTS' }));
    expect(validateSlots([slot(3, '09:00', '12:00'), slot(4, '11:45', '13:00')])).toHaveLength(2);
  });

  it('refuses more than the most slots a week holds', () => {
    const many = Array.from({ length: MAX_SLOTS_PER_WEEK + 1 }, (_, i) => slot((i % 7) + 1, `${String(Math.floor(i / 7)).padStart(2, '0')}:00`, `${String(Math.floor(i / 7)).padStart(2, '0')}:30`));
    expect(() => validateSlots(many)).toThrow(expect.objectContaining({ code: 'TOO_MANY_SLOTS' }));
  });

  it('merging joins overlapping and touching slots of a day', () => {
    expect(mergeSlots([slot(1, '09:00', '12:00'), slot(2, '09:00', '10:00')], [slot(1, '11:00', '13:00'), slot(1, '13:00', '14:00'), slot(2, '15:00', '16:00')])).toEqual([
      slot(1, '09:00', '14:00'),
      slot(2, '09:00', '10:00'),
      slot(2, '15:00', '16:00'),
    ]);
  });
});
