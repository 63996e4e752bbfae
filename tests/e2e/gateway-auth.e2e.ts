import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { callerKeyFor, InternalClient, signCaller, SERVICE_NAMES, type Caller, type ServiceName } from '@instainstru/platform';
import { startStack, type TestStack } from '@instainstru/test-harness';
import { SignedSubgraphDataSource, type GatewayContext } from '../../gateway/src/signed-data-source';
import { createAvailabilityModule } from '../../services/availability/src/module';
import { createBookingModule } from '../../services/booking/src/module';
import { createCatalogModule } from '../../services/catalog/src/module';
import { createInstructorModule } from '../../services/instructor/src/module';
import { createPartnersModule } from '../../services/partners/src/module';
import { createReviewsModule } from '../../services/reviews/src/module';

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({
    catalog: (deps) => createCatalogModule(deps).subgraph(),
    instructor: (deps) => createInstructorModule(deps).subgraph(),
    availability: (deps) => createAvailabilityModule(deps).subgraph(),
    booking: (deps) => createBookingModule(deps).subgraph(),
    reviews: (deps) => createReviewsModule(deps).subgraph(),
    partners: (deps) => createPartnersModule(deps).subgraph(),
  });
  await createCatalogModule(stack.deps.catalog!).seed();
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
  const anonymous: Caller = { userId: null, roles: [], requestId: 'r' };

  /** Caller headers for `postSubgraph(url of service, query)`, signed with the key derived from `secret`. */
  const signedFor = (service: ServiceName, query: string, caller = anonymous, secret = stack.signingSecret, at = Date.now()) =>
    signCaller(caller, callerKeyFor(secret, service), { method: 'POST', path: '/graphql', body: JSON.stringify({ query }) }, at);

  it.each(SERVICE_NAMES)('%s answers 401 to unsigned, forged, expired and tampered requests, _service and _entities included', async (name) => {
    const url = stack.subgraphUrls[name]!;
    for (const query of probes) {
      expect((await postSubgraph(url, query)).status).toBe(401);

      const forged = signedFor(name, query, { userId: 'admin-1', roles: ['admin'], requestId: 'r' }, 'not-the-real-secret-at-all');
      expect((await postSubgraph(url, query, forged)).status).toBe(401);

      const expired = signedFor(name, query, anonymous, stack.signingSecret, Date.now() - 5 * 60_000);
      expect((await postSubgraph(url, query, expired)).status).toBe(401);

      const tampered = signedFor(name, query, { userId: 'student-1', roles: ['student'], requestId: 'r' });
      const escalated = Buffer.from(JSON.stringify({ userId: 'student-1', roles: ['admin'], requestId: 'r' })).toString('base64url');
      expect((await postSubgraph(url, query, { ...tampered, 'x-instainstru-caller': escalated })).status).toBe(401);
    }
    const valid = await postSubgraph(url, '{ _service { sdl } }', signedFor(name, '{ _service { sdl } }'));
    expect(valid.status).toBe(200);
  });

  describe('a caller header captured on the wire cannot be replayed', () => {
    interface Captured {
      /** The caller and signature headers as they were sent. */
      signature: Record<string, string>;
      /** The exact body that went with them. */
      body: string;
    }

    /** Runs `send` against a local server standing in for its target, and returns what reached it. */
    async function onTheWire(send: (url: string) => Promise<unknown>): Promise<Captured> {
      let caught: { headers: IncomingHttpHeaders; body: string } | undefined;
      const wire = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          caught = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{}}');
        });
      });
      await new Promise<void>((resolve) => wire.listen(0, '127.0.0.1', resolve));
      try {
        await send(`http://127.0.0.1:${(wire.address() as AddressInfo).port}`);
      } finally {
        await new Promise((resolve) => wire.close(resolve));
      }
      const { headers, body } = caught!;
      return { signature: { 'x-instainstru-caller': String(headers['x-instainstru-caller']), 'x-instainstru-signature': String(headers['x-instainstru-signature']) }, body };
    }

    /** One subgraph call exactly as the gateway signs and sends it to `subgraph` (`at` moves the gateway's clock). */
    function gatewayCall(subgraph: ServiceName, query: string, at?: number): Promise<Captured> {
      return onTheWire(async (url) => {
        const dataSource = new SignedSubgraphDataSource(subgraph, `${url}/graphql`, stack.signingSecret);
        // The first clock reading in process() is the signature's issue time.
        const clock = at === undefined ? undefined : jest.spyOn(Date, 'now').mockReturnValueOnce(at);
        try {
          const options = { request: { query }, context: { caller: { userId: 'student-1', roles: ['student'], requestId: 'r' } } };
          await dataSource.process(options as unknown as GraphQLDataSourceProcessOptions<GatewayContext>);
        } finally {
          clock?.mockRestore();
        }
      });
    }

    async function replay(url: string, captured: Captured, body = captured.body) {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...captured.signature }, body });
      return { status: response.status, body: (await response.json()) as { errors?: { message: string }[]; error?: { code: string; reason: string; message: string } } };
    }

    it('against another subgraph, with another query, or once expired (401)', async () => {
      const toCatalog = await gatewayCall('catalog', '{ _service { sdl } }');
      expect((await replay(stack.subgraphUrls.catalog!, toCatalog)).status).toBe(200);

      const others = SERVICE_NAMES.filter((name) => name !== 'catalog');
      for (const other of others) {
        const answer = await replay(stack.subgraphUrls[other]!, toCatalog);
        expect({ other, status: answer.status, message: answer.body.errors?.[0]?.message }).toEqual({
          other,
          status: 401,
          message: 'Request refused: caller signature wrong-service',
        });
      }

      const anotherQuery = await replay(stack.subgraphUrls.catalog!, toCatalog, JSON.stringify({ query: probes[1] }));
      expect(anotherQuery).toMatchObject({ status: 401, body: { errors: [{ message: 'Request refused: caller signature bad-signature' }] } });

      const signedLongAgo = await gatewayCall('catalog', '{ _service { sdl } }', Date.now() - 31_000);
      expect(await replay(stack.subgraphUrls.catalog!, signedLongAgo)).toMatchObject({
        status: 401,
        body: { errors: [{ message: 'Request refused: caller signature expired' }] },
      });
    });

    it("booking's slot hold, against availability with another body (401)", async () => {
      const hold = { bookingId: randomUUID(), instructorId: randomUUID(), startsAt: '2031-03-03T10:00:00Z', endsAt: '2031-03-03T11:00:00Z' };
      const captured = await onTheWire(async (url) => {
        const booking = new InternalClient({ from: 'booking', to: 'availability', baseUrl: url, signingSecret: stack.signingSecret });
        try {
          await booking.post('/internal/holds/hold', hold);
        } finally {
          booking.close();
        }
      });
      const holdUrl = stack.subgraphUrls.availability!.replace(/\/graphql$/, '/internal/holds/hold');

      // As sent, the call passes the signature check and reaches the calendar (which knows no such instructor).
      expect(await replay(holdUrl, captured)).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });

      const otherSlot = JSON.stringify({ ...hold, startsAt: '2031-03-03T12:00:00Z', endsAt: '2031-03-03T13:00:00Z' });
      expect(await replay(holdUrl, captured, otherSlot)).toMatchObject({
        status: 401,
        body: { error: { code: 'UNAUTHENTICATED', reason: 'BAD_CALLER_SIGNATURE', message: 'Caller signature bad-signature' } },
      });
      expect((await replay(holdUrl.replace(/hold$/, 'release'), captured)).status).toBe(401);
    });
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
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { catalog: 'ok', instructor: 'ok', availability: 'ok', booking: 'ok', reviews: 'ok', partners: 'ok' } });

    const partial = await startStack({ catalog: (deps) => createCatalogModule(deps).subgraph() });
    try {
      const response = await fetch(new URL('/readyz', partial.gatewayUrl));
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: 'unavailable', checks: { catalog: 'ok', booking: 'unavailable' } });
    } finally {
      await partial.stop();
    }
  });
});
