import { eventTablesV2Migration } from '@instainstru/platform';

/** The outbox keeps appended envelope text (see upgradeEventTablesV2). */
export const CatalogOutboxEnvelopeText1764400000000 = eventTablesV2Migration('CatalogOutboxEnvelopeText1764400000000');
