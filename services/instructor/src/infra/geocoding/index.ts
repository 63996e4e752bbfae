import type { Geocoder } from '../../domain/instructor.ports';
import type { InstructorConfig } from '../../instructor.config';
import { NominatimGeocoder } from './nominatim.geocoder';
import { ZipCentroidGeocoder } from './zip-centroid.geocoder';

export { TzLookupTimezones } from './tz-lookup.timezones';

/** The geocoder chosen by GEOCODER: `zip-centroid` (offline, the default) or `nominatim` (HTTP). */
export function geocoderFor(config: InstructorConfig['geocoder'], onFailure?: (err: unknown) => void): Geocoder {
  switch (config.kind) {
    case 'zip-centroid':
      return new ZipCentroidGeocoder();
    case 'nominatim':
      return new NominatimGeocoder({ baseUrl: config.url, userAgent: config.userAgent, timeoutMs: config.timeoutMs, onFailure });
  }
}
