import type { PostalCodeLocator } from '../domain/instructor-search.ports';
import type { GeoPoint } from '../domain/instructor-search.types';

type ZipcodesModule = typeof import('zipcodes');
let dataset: ZipcodesModule | undefined;

/** The dataset is a few megabytes of JavaScript: loaded on first use, not at start-up. */
function zipcodes(): ZipcodesModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  dataset ??= require('zipcodes') as ZipcodesModule;
  return dataset;
}

/**
 * The centre of a US ZIP code from the `zipcodes` dataset, the one the instructor service
 * geocodes addresses with, so an instructor in a ZIP code is about 0 miles from its centre.
 */
export class ZipCentroidLocator implements PostalCodeLocator {
  centreOf(postalCode: string): GeoPoint | null {
    const entry = zipcodes().lookup(postalCode);
    if (!entry || entry.country !== 'US') return null;
    return { latitude: entry.latitude, longitude: entry.longitude };
  }
}
