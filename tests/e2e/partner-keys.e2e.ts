import { Redis } from 'ioredis';
import pg from 'pg';
import {
  PARTNER_KEY_REVOKED_CHANNEL,
  PartnerKeyReader,
  partnerKeyHash,
  partnerKeyProjectionKey,
} from '@instainstru/platform';
import { type GraphQLResult, startStack, type TestStack } from '@instainstru/test-harness';
import { createPartnersModule } from '../../services/partners/src/module';

let stack: TestStack;
let sql: pg.Client;
let redis: Redis;
let reader: PartnerKeyReader;
let adminToken: string;

beforeAll(async () => {
  stack = await startStack({ partners: (deps) => createPartnersModule(deps).subgraph() });
  sql = new pg.Client({ connectionString: stack.db.urlFor('partners') });
  await sql.connect();
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
  reader = new PartnerKeyReader(redis);
  await reader.start();
  adminToken = await stack.token({ sub: 'admin-1', roles: ['admin'] });
});

afterAll(async () => {
  await reader?.close();
  redis?.disconnect();
  await sql?.end();
  await stack?.stop();
});

const KEY_FIELDS = 'id name scopes plan { bucketSize restoreRatePerSecond } keyPrefix createdAt createdBy revokedAt';
const CREATE = `mutation Create($input: CreatePartnerApiKeyInput!) { createPartnerApiKey(input: $input) { secret apiKey { ${KEY_FIELDS} } } }`;
const REVOKE = `mutation Revoke($id: ID!) { revokePartnerApiKey(id: $id) { ${KEY_FIELDS} } }`;
const LIST = `query List($includeRevoked: Boolean) { partnerApiKeys(includeRevoked: $includeRevoked) { ${KEY_FIELDS} } }`;

interface ApiKey {
  id: string;
  name: string;
  scopes: string[];
  plan: { bucketSize: number; restoreRatePerSecond: number };
  keyPrefix: string;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
}

const validInput = (overrides: Record<string, unknown> = {}) => ({
  name: 'Lessons Finder (search widget)',
  scopes: ['CATALOG_READ', 'AVAILABILITY_READ'],
  plan: { bucketSize: 100, restoreRatePerSecond: 10 },
  ...overrides,
});

async function createKey(input: Record<string, unknown> = validInput()): Promise<{ secret: string; apiKey: ApiKey }> {
  const { body } = await stack.graphql(CREATE, { variables: { input }, token: adminToken });
  expect(body.errors).toBeUndefined();
  return body.data!.createPartnerApiKey as { secret: string; apiKey: ApiKey };
}

async function revokeKey(id: string, token = adminToken): Promise<GraphQLResult> {
  return stack.graphql(REVOKE, { variables: { id }, token });
}

const errorOf = (result: GraphQLResult) => result.body.errors?.[0]?.extensions;

/** Rows a refused call must not have added. */
async function written(): Promise<{ keys: number; events: number }> {
  const { rows } = await sql.query<{ keys: number; events: number }>(
    `select (select count(*)::int from partner_api_key) as keys, (select count(*)::int from outbox) as events`,
  );
  return rows[0]!;
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 2000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return check();
}

describe('successful partner key management', () => {
  it('an admin creates a key and sees its secret once; the database keeps only its hash', async () => {
    const { secret, apiKey } = await createKey();
    expect(secret).toMatch(/^iik_[0-9a-f]{6}_[A-Za-z0-9_-]{43}$/);
    expect(secret.startsWith(`${apiKey.keyPrefix}_`)).toBe(true);
    expect(apiKey).toMatchObject({
      name: 'Lessons Finder (search widget)',
      scopes: ['CATALOG_READ', 'AVAILABILITY_READ'],
      plan: { bucketSize: 100, restoreRatePerSecond: 10 },
      createdBy: 'admin-1',
      revokedAt: null,
    });

    const listed = await stack.graphql(LIST, { token: adminToken });
    expect(listed.body.errors).toBeUndefined();
    expect(listed.body.data!.partnerApiKeys).toContainEqual(apiKey);
    expect(JSON.stringify(listed.body)).not.toContain(secret.slice(apiKey.keyPrefix.length));

    const { rows } = await sql.query<{ secret_sha256: string; whole: string }>(`select secret_sha256, row_to_json(k)::text as whole from partner_api_key k where id = $1`, [apiKey.id]);
    expect(rows[0]!.secret_sha256).toBe(partnerKeyHash(secret));
    expect(rows[0]!.whole).not.toContain(secret.slice(apiKey.keyPrefix.length));
    const { rows: events } = await sql.query<{ type: string; envelope: string }>(`select type, envelope::text from outbox where aggregate_id = $1`, [apiKey.id]);
    expect(events.map((e) => e.type)).toEqual(['partners.api-key-created']);
    expect(events[0]!.envelope).not.toContain(secret.slice(apiKey.keyPrefix.length));
    expect(events[0]!.envelope).not.toContain(partnerKeyHash(secret));
  });

  it('projects the new key into Redis, where the gateways find it by its secret', async () => {
    const { secret, apiKey } = await createKey(validInput({ name: '  Calendar sync  ', scopes: ['BOOKINGS_WRITE', 'BOOKINGS_READ'] }));
    expect(apiKey.name).toBe('Calendar sync');
    const projected = JSON.parse((await redis.get(partnerKeyProjectionKey(partnerKeyHash(secret))))!) as unknown;
    expect(projected).toEqual({
      id: apiKey.id,
      name: 'Calendar sync',
      scopes: ['bookings:write', 'bookings:read'],
      plan: { bucketSize: 100, restoreRatePerSecond: 10 },
    });
    expect(await reader.lookup(secret)).toEqual(projected);
  });

  it('revoking withdraws the projection at once, tells the gateways, and is idempotent', async () => {
    const { secret, apiKey } = await createKey();
    const secretHash = partnerKeyHash(secret);
    expect(await reader.lookup(secret)).not.toBeNull();

    const listener = redis.duplicate();
    const announced: string[] = [];
    listener.on('message', (_channel: string, message: string) => announced.push(message));
    await listener.subscribe(PARTNER_KEY_REVOKED_CHANNEL);
    try {
      const first = await revokeKey(apiKey.id);
      expect(first.body.errors).toBeUndefined();
      const revoked = first.body.data!.revokePartnerApiKey as ApiKey;
      expect(revoked).toEqual({ ...apiKey, revokedAt: expect.any(String) });
      expect(await redis.exists(partnerKeyProjectionKey(secretHash))).toBe(0);
      expect(await eventually(async () => announced.includes(secretHash))).toBe(true);
      expect(await reader.lookup(secret)).toBeNull();

      const again = await revokeKey(apiKey.id);
      expect(again.body.errors).toBeUndefined();
      expect(again.body.data!.revokePartnerApiKey).toEqual(revoked);
    } finally {
      await listener.quit();
    }

    const { rows } = await sql.query<{ type: string }>(`select type from outbox where aggregate_id = $1 order by seq`, [apiKey.id]);
    expect(rows.map((r) => r.type)).toEqual(['partners.api-key-created', 'partners.api-key-revoked']);
    const active = (await stack.graphql(LIST, { token: adminToken })).body.data!.partnerApiKeys as ApiKey[];
    expect(active.map((k) => k.id)).not.toContain(apiKey.id);
    const all = (await stack.graphql(LIST, { variables: { includeRevoked: true }, token: adminToken })).body.data!.partnerApiKeys as ApiKey[];
    expect(all.find((k) => k.id === apiKey.id)?.revokedAt).toEqual(expect.any(String));
  });

  it("the worker rebuilds the projection: a lost key comes back and a revoked key's leftover goes", async () => {
    const kept = await createKey();
    const gone = await createKey();
    expect((await revokeKey(gone.apiKey.id)).body.errors).toBeUndefined();
    // As after a Redis flush and a stale write: the active key's projection missing, the revoked one's present.
    await redis.del(partnerKeyProjectionKey(partnerKeyHash(kept.secret)));
    await redis.set(partnerKeyProjectionKey(partnerKeyHash(gone.secret)), JSON.stringify({ id: gone.apiKey.id, name: 'stale', scopes: ['catalog:read'], plan: { bucketSize: 1, restoreRatePerSecond: 1 } }));

    const deps = stack.deps.partners!;
    const workers = createPartnersModule(deps, { redis }).workers();
    for (const worker of workers) await worker.start();
    for (const worker of workers) await worker.stop();

    expect(await redis.exists(partnerKeyProjectionKey(partnerKeyHash(kept.secret)))).toBe(1);
    expect(await redis.exists(partnerKeyProjectionKey(partnerKeyHash(gone.secret)))).toBe(0);
  });
});

describe('failing partner key management', () => {
  it('refuses anonymous callers (UNAUTHENTICATED) and writes nothing', async () => {
    const before = await written();
    const created = await stack.graphql(CREATE, { variables: { input: validInput() } });
    expect(errorOf(created)).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'SIGN_IN_REQUIRED' });
    expect(created.body.data ?? null).toBeNull();
    expect(errorOf(await stack.graphql(LIST))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'SIGN_IN_REQUIRED' });
    expect(errorOf(await stack.graphql(REVOKE, { variables: { id: '7d1f9a52-3c4b-4e8f-9a0b-1c2d3e4f5a6b' } }))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'SIGN_IN_REQUIRED' });
    expect(await written()).toEqual(before);
  });

  it.each([['student'], ['instructor']])('refuses a signed-in %s (FORBIDDEN) and writes nothing', async (role) => {
    const token = await stack.token({ sub: `${role}-1`, roles: [role] });
    const { apiKey } = await createKey();
    const before = await written();

    expect(errorOf(await stack.graphql(CREATE, { variables: { input: validInput() }, token }))).toMatchObject({ code: 'FORBIDDEN', reason: 'ADMIN_ONLY' });
    expect(errorOf(await stack.graphql(LIST, { token }))).toMatchObject({ code: 'FORBIDDEN', reason: 'ADMIN_ONLY' });
    expect(errorOf(await revokeKey(apiKey.id, token))).toMatchObject({ code: 'FORBIDDEN', reason: 'ADMIN_ONLY' });
    expect(await written()).toEqual(before);
    const { rows } = await sql.query<{ revoked_at: Date | null }>(`select revoked_at from partner_api_key where id = $1`, [apiKey.id]);
    expect(rows[0]!.revoked_at).toBeNull();
  });

  it.each([
    ['a blank name', { name: '   ' }, 'INVALID_NAME', 'name'],
    ['a name over 100 characters', { name: 'x'.repeat(101) }, 'INVALID_NAME', 'name'],
    ['a name with control characters', { name: 'line\nbreak' }, 'INVALID_NAME', 'name'],
    ['no scopes', { scopes: [] }, 'INVALID_SCOPES', 'scopes'],
    ['a scope twice', { scopes: ['CATALOG_READ', 'CATALOG_READ'] }, 'INVALID_SCOPES', 'scopes'],
    ['an empty bucket', { plan: { bucketSize: 0, restoreRatePerSecond: 10 } }, 'INVALID_PLAN', 'plan.bucketSize'],
    ['a bucket over 100000', { plan: { bucketSize: 100_001, restoreRatePerSecond: 10 } }, 'INVALID_PLAN', 'plan.bucketSize'],
    ['a negative restore rate', { plan: { bucketSize: 10, restoreRatePerSecond: -1 } }, 'INVALID_PLAN', 'plan.restoreRatePerSecond'],
    ['a restore rate over 10000', { plan: { bucketSize: 10, restoreRatePerSecond: 10_001 } }, 'INVALID_PLAN', 'plan.restoreRatePerSecond'],
  ])('refuses %s (BAD_USER_INPUT) and writes nothing', async (_case, overrides, reason, field) => {
    const before = await written();
    const result = await stack.graphql(CREATE, { variables: { input: validInput(overrides) }, token: adminToken });
    expect(errorOf(result)).toMatchObject({ code: 'BAD_USER_INPUT', reason, details: { field, problem: expect.any(String) } });
    expect(await written()).toEqual(before);
  });

  it('refuses a scope the enum does not know before any service runs', async () => {
    const before = await written();
    const result = await stack.graphql(CREATE, { variables: { input: validInput({ scopes: ['EVERYTHING'] }) }, token: adminToken });
    expect(errorOf(result)?.code).toBe('BAD_USER_INPUT');
    expect(await written()).toEqual(before);
  });

  it('answers NOT_FOUND for a key that does not exist, whatever the id looks like', async () => {
    for (const id of ['7d1f9a52-3c4b-4e8f-9a0b-1c2d3e4f5a6b', 'not-a-uuid']) {
      expect(errorOf(await revokeKey(id))).toMatchObject({ code: 'NOT_FOUND', reason: 'PARTNER_API_KEY_NOT_FOUND' });
    }
  });

  it('a secret that was never issued is unknown to the gateways', async () => {
    expect(await reader.lookup(`iik_000000_${'A'.repeat(43)}`)).toBeNull();
    expect(await reader.lookup('not a key')).toBeNull();
  });
});
