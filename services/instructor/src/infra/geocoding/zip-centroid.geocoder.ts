import type { AddressQuery, GeocodedAddress, Geocoder } from '../../domain/instructor.ports';

type ZipcodesModule = typeof import('zipcodes');
let dataset: ZipcodesModule | undefined;

/** The dataset is a few megabytes of JavaScript: loaded on first use, not at start-up. */
function zipcodes(): ZipcodesModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  dataset ??= require('zipcodes') as ZipcodesModule;
  return dataset;
}

/**
 * The offline default: the centroid of the US ZIP code, from the `zipcodes` package's dataset
 * (about 42,000 US ZIP codes with their city and state). No network; the precision is the ZIP area.
 */
export class ZipCentroidGeocoder implements Geocoder {
  async geocode(address: AddressQuery): Promise<GeocodedAddress | null> {
    if (address.country !== 'US') return null;
    const entry = zipcodes().lookup(address.postalCode);
    if (!entry || entry.country !== 'US') return null;
    return {
      location: { latitude: entry.latitude, longitude: entry.longitude },
      city: entry.city,
      state: entry.state,
      postalCode: entry.zip,
      precision: 'POSTAL_CODE',
    };
  }
}
