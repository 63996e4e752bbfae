import { eventTablesV2Migration } from '@instainstru/platform';

/** The outbox keeps appended envelope text (see upgradeEventTablesV2). */
export const ReviewsOutboxEnvelopeText1764400000000 = eventTablesV2Migration('ReviewsOutboxEnvelopeText1764400000000');
