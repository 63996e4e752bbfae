import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadInstructorConfig } from '../../instructor.config';
import { geocoderFor, TzLookupTimezones } from './index';
import { NominatimGeocoder } from './nominatim.geocoder';
import { ZipCentroidGeocoder } from './zip-centroid.geocoder';

const brooklyn = { line1: '200 Court St', city: null, state: null, postalCode: '11201', country: 'US' };

describe('offline geocoding (US ZIP centroids) and timezones', () => {
  it('finds the centroid, city and state of a real ZIP code', async () => {
    const found = await new ZipCentroidGeocoder().geocode(brooklyn);
    expect(found).toMatchObject({ city: 'Brooklyn', state: 'NY', postalCode: '11201', precision: 'POSTAL_CODE' });
    expect(found!.location.latitude).toBeCloseTo(40.694, 2);
    expect(found!.location.longitude).toBeCloseTo(-73.99, 2);
    expect(await new ZipCentroidGeocoder().geocode({ ...brooklyn, postalCode: '90012' })).toMatchObject({ city: 'Los Angeles', state: 'CA' });
  });

  it('finds nothing for ZIP codes that do not exist or other countries', async () => {
    expect(await new ZipCentroidGeocoder().geocode({ ...brooklyn, postalCode: '00000' })).toBeNull();
    expect(await new ZipCentroidGeocoder().geocode({ ...brooklyn, country: 'CA' })).toBeNull();
  });

  it('derives the IANA timezone from the point', () => {
    const zones = new TzLookupTimezones();
    expect(zones.timezoneAt({ latitude: 40.694, longitude: -73.99 })).toBe('America/New_York');
    expect(zones.timezoneAt({ latitude: 33.45, longitude: -112.07 })).toBe('America/Phoenix');
    expect(zones.timezoneAt({ latitude: 41.88, longitude: -87.63 })).toBe('America/Chicago');
    expect(zones.timezoneAt({ latitude: 95, longitude: 0 })).toBeNull();
  });
});

describe('the HTTP geocoding provider (Nominatim API)', () => {
  let server: Server;
  let baseUrl: string;
  const requests: IncomingMessage[] = [];
  let reply: (url: URL) => { status: number; body: unknown; delayMs?: number } = () => ({ status: 200, body: [] });

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req);
      const { status, body, delayMs = 0 } = reply(new URL(req.url ?? '/', 'http://stub'));
      setTimeout(() => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      }, delayMs);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const geocoder = () => new NominatimGeocoder({ baseUrl, userAgent: 'InstaInstru tests', timeoutMs: 300 });

  it('sends a structured query with an identifying user agent and reads the place', async () => {
    reply = () => ({
      status: 200,
      body: [{ lat: '40.6926', lon: '-73.9913', address: { city: 'New York', suburb: 'Brooklyn Heights', postcode: '11201', 'ISO3166-2-lvl4': 'US-NY' } }],
    });
    const found = await geocoder().geocode({ ...brooklyn, state: 'NY' });
    expect(found).toEqual({ location: { latitude: 40.6926, longitude: -73.9913 }, city: 'New York', state: 'NY', postalCode: '11201', precision: 'ADDRESS' });
    const url = new URL(requests.at(-1)!.url!, 'http://stub');
    expect(url.pathname).toBe('/search');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ street: '200 Court St', postalcode: '11201', state: 'NY', countrycodes: 'us', format: 'jsonv2', limit: '1' });
    expect(requests.at(-1)!.headers['user-agent']).toBe('InstaInstru tests');
  });

  it('finds nothing when the provider finds nothing', async () => {
    reply = () => ({ status: 200, body: [] });
    expect(await geocoder().geocode(brooklyn)).toBeNull();
  });

  it('reports the provider unavailable on errors and timeouts (SERVICE_UNAVAILABLE, not a crash)', async () => {
    reply = () => ({ status: 503, body: { error: 'busy' } });
    await expect(geocoder().geocode(brooklyn)).rejects.toMatchObject({ code: 'GEOCODER_UNAVAILABLE', apiCode: 'SERVICE_UNAVAILABLE' });
    reply = () => ({ status: 200, body: [], delayMs: 1000 });
    await expect(geocoder().geocode(brooklyn)).rejects.toMatchObject({ code: 'GEOCODER_UNAVAILABLE' });
  });

  it('is chosen by configuration; the offline one is the default', () => {
    expect(geocoderFor(loadInstructorConfig({ NODE_ENV: 'development' }).geocoder)).toBeInstanceOf(ZipCentroidGeocoder);
    expect(geocoderFor(loadInstructorConfig({ NODE_ENV: 'development', GEOCODER: 'nominatim', GEOCODER_URL: baseUrl }).geocoder)).toBeInstanceOf(NominatimGeocoder);
    expect(() => loadInstructorConfig({ NODE_ENV: 'development', GEOCODER: 'guesswork' })).toThrow(/GEOCODER/);
  });
});
