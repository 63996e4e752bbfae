import { eventTablesV2Migration } from '@instainstru/platform';

/** The outbox keeps appended envelope text (see upgradeEventTablesV2). */
export const AvailabilityOutboxEnvelopeText1764400000000 = eventTablesV2Migration('AvailabilityOutboxEnvelopeText1764400000000');
