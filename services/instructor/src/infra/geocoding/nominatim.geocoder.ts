import { InstructorError, InstructorErrorCode } from '../../domain/instructor.errors';
import type { AddressQuery, GeocodedAddress, Geocoder } from '../../domain/instructor.ports';

export interface NominatimOptions {
  /** e.g. https://nominatim.openstreetmap.org, or a self-hosted instance. */
  baseUrl: string;
  /** Nominatim's usage policy asks for an identifying User-Agent. */
  userAgent: string;
  timeoutMs: number;
  fetch?: typeof fetch;
  /** Where provider failures are reported (the caller only learns that geocoding is unavailable). */
  onFailure?: (err: unknown) => void;
}

interface NominatimPlace {
  lat: string;
  lon: string;
  address?: {
    city?: string;
    town?: string;
    village?: string;
    hamlet?: string;
    suburb?: string;
    borough?: string;
    county?: string;
    postcode?: string;
    'ISO3166-2-lvl4'?: string;
  };
}

/**
 * A geocoding provider over HTTP, speaking the Nominatim search API (OpenStreetMap's geocoder, also
 * self-hostable). A structured query on the street address; the precision is the address itself.
 */
export class NominatimGeocoder implements Geocoder {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: NominatimOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  async geocode(address: AddressQuery): Promise<GeocodedAddress | null> {
    const url = new URL('/search', this.options.baseUrl);
    url.search = new URLSearchParams({
      format: 'jsonv2',
      addressdetails: '1',
      limit: '1',
      countrycodes: address.country.toLowerCase(),
      street: address.line1,
      postalcode: address.postalCode,
      ...(address.city ? { city: address.city } : {}),
      ...(address.state ? { state: address.state } : {}),
    }).toString();
    let places: NominatimPlace[];
    try {
      const response = await this.fetch(url, { headers: { 'user-agent': this.options.userAgent, accept: 'application/json' }, signal: AbortSignal.timeout(this.options.timeoutMs) });
      if (!response.ok) throw new Error(`geocoder answered ${response.status}`);
      places = (await response.json()) as NominatimPlace[];
    } catch (cause) {
      this.options.onFailure?.(cause);
      throw new InstructorError(InstructorErrorCode.GeocoderUnavailable, 'The address could not be looked up right now; try again');
    }
    const place = Array.isArray(places) ? places[0] : undefined;
    const latitude = Number(place?.lat);
    const longitude = Number(place?.lon);
    if (!place || !Number.isFinite(latitude) || !Number.isFinite(longitude)) return null;
    const details = place.address ?? {};
    const state = details['ISO3166-2-lvl4']?.split('-')[1] ?? address.state;
    const city = details.city ?? details.town ?? details.village ?? details.hamlet ?? details.borough ?? details.suburb ?? details.county ?? address.city;
    const postalCode = /^\d{5}/.exec(details.postcode ?? '')?.[0] ?? address.postalCode;
    // A place without a state or a locality is too vague to list an instructor by.
    if (!state || !/^[A-Z]{2}$/.test(state) || !city) return null;
    return { location: { latitude, longitude }, city, state, postalCode, precision: 'ADDRESS' };
  }
}
