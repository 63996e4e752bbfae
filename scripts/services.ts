/** The services' migration lists, for the scripts that prepare a database (not used by services). */
import type { MigrationClass, ServiceName } from '@instainstru/platform';
import { migrations as availability } from '../services/availability/src/migrations';
import { migrations as booking } from '../services/booking/src/migrations';
import { migrations as catalog } from '../services/catalog/src/migrations';
import { migrations as instructor } from '../services/instructor/src/migrations';
import { migrations as partners } from '../services/partners/src/migrations';
import { migrations as reviews } from '../services/reviews/src/migrations';

export const serviceMigrations: Record<ServiceName, MigrationClass[]> = { catalog, instructor, availability, booking, reviews, partners };
