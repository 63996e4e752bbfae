import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type GraphQLResult, startStack, type TestStack } from '@instainstru/test-harness';
import { createCatalogModule } from '../../services/catalog/src/module';
import type { OperationManifestFile } from '../../gateway/src/trusted-documents/operation-manifest';

let stack: TestStack;
let production: { url: string; graphql(query: string, options?: { token?: string }): Promise<GraphQLResult> };

const manifest = JSON.parse(readFileSync(join(__dirname, '../../schemas/operations/manifest.json'), 'utf8')) as OperationManifestFile;
const categories = manifest.operations.find((o) => o.name === 'Categories')!;

beforeAll(async () => {
  stack = await startStack({ catalog: (deps) => createCatalogModule(deps).subgraph() });
  await createCatalogModule(stack.deps.catalog!).seed();
  production = await stack.startGateway({ production: true, allowArbitraryOperations: false, maxTokenLifetimeSeconds: 24 * 3600 });
});

afterAll(() => stack?.stop());

describe('a production gateway', () => {
  it('runs trusted operations, sent as text or by id', async () => {
    // What the development gateway answers for the same document: the seeded categories.
    const expected = (await stack.graphql(categories.body)).body;
    expect(expected.errors).toBeUndefined();
    expect((expected.data?.categories as unknown[] | undefined)?.length).toBeGreaterThan(0);
    const { body } = await production.graphql(categories.body);
    expect(body).toEqual(expected);
    const byId = await fetch(production.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ documentId: `sha256:${categories.id}` }) });
    expect((await byId.json()) as GraphQLResult['body']).toEqual(expected);
  });

  it('refuses documents outside the manifest, where development runs them', async () => {
    const { status, body } = await production.graphql('{ categories { slug } }');
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    expect((await stack.graphql('{ categories { slug } }')).body.errors).toBeUndefined();
  });

  it('can let signed-in users, and only them, run other documents', async () => {
    const gateway = await stack.startGateway({ production: true, allowArbitraryOperations: 'signed-in' });
    const anonymous = await gateway.graphql('{ categories { slug } }');
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    const token = await stack.token({ sub: 'student-1', roles: ['student'], ttlSeconds: 3600 });
    expect((await gateway.graphql('{ categories { slug } }', { token })).body.errors).toBeUndefined();
    expect((await gateway.graphql(categories.body)).body.errors).toBeUndefined();
  });

  it('turns introspection off', async () => {
    const dev = await stack.graphql('{ __schema { queryType { name } } }');
    expect(dev.body.errors).toBeUndefined();
    const gateway = await stack.startGateway({ production: true, allowArbitraryOperations: true });
    const { body } = await gateway.graphql('{ __schema { queryType { name } } }');
    expect(body.data ?? undefined).toBeUndefined();
    expect(body.errors?.[0]?.message).toMatch(/introspection/i);
  });

  it('hides field suggestions and subgraph names in errors', async () => {
    const dev = await stack.graphql('{ categoriez { slug } }');
    expect(dev.body.errors?.[0]?.message).toMatch(/Did you mean/);
    expect((await stack.graphql('{ category(slug: "no-such-category") { name } }')).body.errors?.[0]?.extensions?.serviceName).toBe('catalog');

    const gateway = await stack.startGateway({ production: true, allowArbitraryOperations: true });
    const typo = await gateway.graphql('{ categoriez { slug } }');
    expect(typo.body.errors?.[0]?.message).not.toMatch(/Did you mean|categories/);
    const missing = await gateway.graphql('{ category(slug: "no-such-category") { name } }');
    expect(missing.body.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
    expect(missing.body.errors?.[0]?.extensions).not.toHaveProperty('serviceName');
  });

  it('refuses tokens that live longer than the cap', async () => {
    const week = await stack.token({ sub: 'student-1', roles: ['student'], ttlSeconds: 7 * 24 * 3600 });
    const refused = await production.graphql(categories.body, { token: week });
    expect(refused.status).toBe(401);
    expect(refused.body.errors?.[0]?.message).toMatch(/lifetime/);
    const hour = await stack.token({ sub: 'student-1', roles: ['student'], ttlSeconds: 3600 });
    expect((await production.graphql(categories.body, { token: hour })).status).toBe(200);
  });
});
