import type DataLoader from 'dataloader';
import type { Caller } from '@instainstru/platform';
import type { AvailabilityWeeks } from './domain/availability-weeks.service';
import type { BookableSlot } from './domain/availability.types';
import type { BookableSlots, NextSlotsRequest } from './domain/bookable-slots.service';

export interface AvailabilityContext {
  caller: Caller;
  weeks: AvailabilityWeeks;
  bookable: BookableSlots;
  /** Instructor.nextAvailableSlots of one request, batched over its `_entities` references. */
  nextSlots: DataLoader<NextSlotsRequest, BookableSlot[], string>;
}
