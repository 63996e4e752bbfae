import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { signCaller, SERVICE_NAMES } from '@instainstru/platform';
import { buildAvailabilityServer } from '../../services/availability/src/server';
import { buildBookingServer } from '../../services/booking/src/server';
import { buildCatalogServer } from '../../services/catalog/src/server';
import { seedCatalog } from '../../services/catalog/src/infra/seed/seed-catalog';
import { buildInstructorServer } from '../../services/instructor/src/server';
import { buildReviewsServer } from '../../services/reviews/src/server';
import { startStack, type TestStack } from '../support/stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({
    catalog: buildCatalogServer,
    instructor: buildInstructorServer,
    availability: buildAvailabilityServer,
    booking: buildBookingServer,
    reviews: buildReviewsServer,
  });
  await seedCatalog(stack.deps.catalog!.db);
});

afterAll(() => stack?.stop());

async function postSubgraph(url: string, query: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] } };
}

describe('successful calls through the gateway', () => {
  it('serves public queries to anonymous callers', async () => {
    const { status, body } = await stack.graphql('{ categories { slug name iconName services { slug } } }');
    expect(status).toBe(200);
    const categories = body.data!.categories as { slug: string; services: unknown[] }[];
    expect(categories.map((c) => c.slug)).toEqual(['music', 'arts', 'languages', 'sports-fitness', 'dance', 'tutoring', 'kids']);
    expect(categories[0]!.services.length).toBeGreaterThan(5);
  });

  it('passes the verified user to the subgraphs', async () => {
    const anonymous = await stack.graphql(`{ booking(id: "${randomUUID()}") { id } }`);
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const token = await stack.token({ sub: 'student-1', roles: ['student'] });
    const signedIn = await stack.graphql(`{ booking(id: "${randomUUID()}") { id } }`, { token });
    expect(signedIn.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('joins entities across subgraphs and shows a booking only to its parties', async () => {
    const instructorDb = new pg.Client({ connectionString: stack.db.urlFor('instructor') });
    const bookingDb = new pg.Client({ connectionString: stack.db.urlFor('booking') });
    await Promise.all([instructorDb.connect(), bookingDb.connect()]);
    try {
      const { rows } = await instructorDb.query<{ id: string }>(
        `insert into instructor.instructor_profile (user_id, display_name, timezone, is_live) values ('instr-7', 'Ada Keys', 'America/New_York', true) returning id`,
      );
      const instructorId = rows[0]!.id;
      const booking = await bookingDb.query<{ id: string }>(
        `insert into booking.booking (status, instructor_id, instructor_user_id, student_user_id, starts_at, ends_at, service_id, duration_minutes, lesson_mode, price_minor, currency, confirmed_at)
         values ('CONFIRMED', $1, 'instr-7', 'student-7', date_trunc('hour', now()) + interval '2 days', date_trunc('hour', now()) + interval '2 days 1 hour',
                 gen_random_uuid(), 60, 'online', 6000, 'USD', now()) returning id`,
        [instructorId],
      );
      const query = `{ booking(id: "${booking.rows[0]!.id}") { status instructor { id displayName timezone } } }`;

      const student = await stack.graphql(query, { token: await stack.token({ sub: 'student-7', roles: ['student'] }) });
      expect(student.body.errors).toBeUndefined();
      expect(student.body.data!.booking).toEqual({ status: 'CONFIRMED', instructor: { id: instructorId, displayName: 'Ada Keys', timezone: 'America/New_York' } });

      const stranger = await stack.graphql(query, { token: await stack.token({ sub: 'student-8', roles: ['student'] }) });
      expect(stranger.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

      const admin = await stack.graphql(query, { token: await stack.token({ sub: 'admin-1', roles: ['admin'] }) });
      expect((admin.body.data!.booking as { status: string }).status).toBe('CONFIRMED');
    } finally {
      await Promise.all([instructorDb.end(), bookingDb.end()]);
    }
  });

  it('echoes the request id it was given, and makes one up otherwise', async () => {
    const given = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-abc-123' },
      body: JSON.stringify({ query: '{ categories { slug } }' }),
    });
    expect(given.headers.get('x-request-id')).toBe('req-abc-123');
    const made = await fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ categories { slug } }' }) });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('failing calls through the gateway', () => {
  it('refuses a token that is not a valid JWT', async () => {
    const { status, body } = await stack.graphql('{ categories { slug } }', { token: 'not.a.token' });
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.data).toBeUndefined();
  });

  it('refuses an expired token', async () => {
    const token = await stack.token({ sub: 'student-1', roles: ['student'], ttlSeconds: -60 });
    const { status, body } = await stack.graphql('{ categories { slug } }', { token });
    expect(status).toBe(401);
    expect(body.errors?.[0]).toMatchObject({ message: 'Token has expired', extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('refuses a token signed by a key it does not trust', async () => {
    const other = await startStackToken();
    const { status, body } = await stack.graphql('{ categories { slug } }', { token: other });
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a non-bearer authorization header', async () => {
    const { status } = await stack.graphql('{ categories { slug } }', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(status).toBe(401);
  });

  it('stops abusive queries before any subgraph is called', async () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: categories { slug }`).join(' ');
    const wide = await stack.graphql(`{ ${aliases} }`);
    expect(wide.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(wide.body.data).toBeUndefined();

    const nested = Array.from({ length: 7 }).reduce<string>((inner) => `services { category { ${inner} } }`, 'slug');
    const deep = await stack.graphql(`{ categories { ${nested} } }`);
    expect(deep.status).toBe(400);
    expect(deep.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('answers bad input with a stable code and no internals', async () => {
    const { body } = await stack.graphql('{ category(slug: "no such slug!") { name } }');
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_SLUG' });
    expect(JSON.stringify(body)).not.toMatch(/stack|select |at \w+ \(/i);
  });
});

describe('subgraphs trust only signed callers', () => {
  const probes = ['{ _service { sdl } }', '{ _entities(representations: [{ __typename: "Nope", id: "1" }]) { __typename } }'];

  it.each(SERVICE_NAMES)('%s answers 401 to unsigned, forged and stale requests, _service and _entities included', async (name) => {
    const url = stack.subgraphUrls[name]!;
    for (const query of probes) {
      expect((await postSubgraph(url, query)).status).toBe(401);

      const forged = signCaller({ userId: 'admin-1', roles: ['admin'], requestId: 'r' }, 'not-the-real-secret-at-all');
      expect((await postSubgraph(url, query, forged)).status).toBe(401);

      const stale = signCaller({ userId: null, roles: [], requestId: 'r' }, stack.signingSecret, Date.now() - 5 * 60_000);
      expect((await postSubgraph(url, query, stale)).status).toBe(401);

      const tampered = signCaller({ userId: 'student-1', roles: ['student'], requestId: 'r' }, stack.signingSecret);
      const escalated = Buffer.from(JSON.stringify({ userId: 'student-1', roles: ['admin'], requestId: 'r' })).toString('base64url');
      expect((await postSubgraph(url, query, { ...tampered, 'x-instainstru-caller': escalated })).status).toBe(401);
    }
    const valid = await postSubgraph(url, '{ _service { sdl } }', signCaller({ userId: null, roles: [], requestId: 'r' }, stack.signingSecret));
    expect(valid.status).toBe(200);
  });
});

/** A well-formed token from a key the stack's gateway has never seen. */
async function startStackToken(): Promise<string> {
  const { exportJWK, generateKeyPair } = await import('jose');
  const { mintDevToken } = await import('../../gateway/src/auth/dev-key');
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return mintDevToken({ ...(await exportJWK(privateKey)), kid: 'test-1' }, { sub: 'admin-1', roles: ['admin'], issuer: 'https://auth.instainstru.test' });
}

describe('gateway readiness', () => {
  it('is ready when every subgraph answers, and says which one does not', async () => {
    const readyz = new URL('/readyz', stack.gatewayUrl);
    const ready = await fetch(readyz);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { catalog: 'ok', instructor: 'ok', availability: 'ok', booking: 'ok', reviews: 'ok' } });

    const partial = await startStack({ catalog: buildCatalogServer });
    try {
      const response = await fetch(new URL('/readyz', partial.gatewayUrl));
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: 'unavailable', checks: { catalog: 'ok', booking: 'unavailable' } });
    } finally {
      await partial.stop();
    }
  });
});
