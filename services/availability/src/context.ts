import type { Caller } from '@instainstru/platform';
import type { AvailabilityWeeks } from './domain/availability-weeks.service';
import type { BookableSlots } from './domain/bookable-slots.service';

export interface AvailabilityContext {
  caller: Caller;
  weeks: AvailabilityWeeks;
  bookable: BookableSlots;
}
