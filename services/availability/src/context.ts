import type { Caller } from '@instainstru/platform';
import type { AvailabilityWeeks } from './domain/availability-weeks.service';

export interface AvailabilityContext {
  caller: Caller;
  weeks: AvailabilityWeeks;
}
