import { AvailabilityInitial1763900000000 } from './1763900000000-availability-initial';
import { AvailabilityCalendar1764100000000 } from './1764100000000-availability-calendar';
import { AvailabilityOutboxEnvelopeText1764400000000 } from './1764400000000-availability-outbox-envelope-text';

/** Every availability migration, oldest first. */
export const migrations = [AvailabilityInitial1763900000000, AvailabilityCalendar1764100000000, AvailabilityOutboxEnvelopeText1764400000000];
