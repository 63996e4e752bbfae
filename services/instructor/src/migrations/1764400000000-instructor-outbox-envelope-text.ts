import { eventTablesV2Migration } from '@instainstru/platform';

/** The outbox keeps appended envelope text (see upgradeEventTablesV2). */
export const InstructorOutboxEnvelopeText1764400000000 = eventTablesV2Migration('InstructorOutboxEnvelopeText1764400000000');
