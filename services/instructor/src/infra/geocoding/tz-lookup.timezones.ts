import tzlookup from '@photostructure/tz-lookup';
import type { TimezoneFinder } from '../../domain/instructor.ports';
import type { GeoPoint } from '../../domain/instructor.types';

/** The IANA zone at a point, offline, from the timezone boundaries bundled in @photostructure/tz-lookup. */
export class TzLookupTimezones implements TimezoneFinder {
  timezoneAt({ latitude, longitude }: GeoPoint): string | null {
    try {
      return tzlookup(latitude, longitude);
    } catch {
      return null;
    }
  }
}
