import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { callerKeyFor, signCaller, type ServiceName } from '@instainstru/platform';
import { startStack, type TestStack } from '@instainstru/test-harness';
import { createAvailabilityModule } from '../../services/availability/src/module';
import { createCatalogModule } from '../../services/catalog/src/module';
import { createInstructorModule } from '../../services/instructor/src/module';

let stack: TestStack;
let instructorIds: string[];
let serviceIds: string[];

beforeAll(async () => {
  stack = await startStack({ catalog: (deps) => createCatalogModule(deps).subgraph(), instructor: (deps) => createInstructorModule(deps).subgraph(), availability: (deps) => createAvailabilityModule(deps).subgraph() });
  await createCatalogModule(stack.deps.catalog!).seed();
  serviceIds = (await stack.deps.catalog!.db.query<{ id: string }>(`select id from service order by slug`)).map((r) => r.id);
  const client = new pg.Client({ connectionString: stack.db.urlFor('instructor') });
  await client.connect();
  try {
    instructorIds = [];
    for (let i = 0; i < 40; i += 1) {
      const { rows } = await client.query<{ id: string }>(
        `insert into instructor.instructor_profile (user_id, display_name, timezone, is_live) values ($1, $2, 'America/New_York', true) returning id`,
        [`batch-${i}`, `Teacher ${i}`],
      );
      instructorIds.push(rows[0]!.id);
      await client.query(
        `insert into instructor.offered_service (instructor_id, service_id, hourly_rate_minor, currency, durations_minutes, age_groups, levels, lesson_modes)
         values ($1, $2, 6000, 'USD', '{30,60}', '{adults}', '{beginner}', '{online}')`,
        [rows[0]!.id, serviceIds[i % serviceIds.length]],
      );
    }
  } finally {
    await client.end();
  }
  // Availability knows them (as from their events), each with one window tomorrow (UTC).
  const calendar = new pg.Client({ connectionString: stack.db.urlFor('availability') });
  await calendar.connect();
  try {
    for (const id of instructorIds) {
      await calendar.query(`insert into availability.instructor_calendar (instructor_id, user_id, timezone, is_live, durations_minutes, revision) values ($1, $2, 'UTC', true, '{30,60}', 1)`, [id, `user-${id}`]);
      await calendar.query(
        `with day as (select date_trunc('day', now() at time zone 'UTC') + interval '1 day' as start)
         insert into availability.availability_week (instructor_id, week_start, timezone, slots, version)
         select $1, date_trunc('week', start)::date, 'UTC', '[]', 'v' from day`,
        [id],
      );
      await calendar.query(
        `with day as (select date_trunc('day', now() at time zone 'UTC') + interval '1 day' as start)
         insert into availability.availability_window (instructor_id, week_start, during)
         select $1, date_trunc('week', start)::date, tstzrange((start + interval '9 hours') at time zone 'UTC', (start + interval '13 hours') at time zone 'UTC') from day`,
        [id],
      );
    }
  } finally {
    await calendar.end();
  }
});

afterAll(() => stack?.stop());

/** How many SQL statements the subgraph runs to answer one `_entities` batch of `ids`. */
async function statementsFor(service: ServiceName, typename: string, ids: string[], selection: string): Promise<number> {
  const db = stack.deps[service]!.db;
  const query = jest.spyOn(db, 'query');
  const execute = jest.spyOn(db, 'execute');
  const transaction = jest.spyOn(db, 'transaction');
  try {
    const request = JSON.stringify({
      query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${typename} { ${selection} } } }`,
      variables: { r: ids.map((id) => ({ __typename: typename, id })) },
    });
    const caller = signCaller({ userId: null, roles: [], requestId: randomUUID() }, callerKeyFor(stack.signingSecret, service), { method: 'POST', path: '/graphql', body: request });
    const response = await fetch(stack.subgraphUrls[service]!, { method: 'POST', headers: { 'content-type': 'application/json', ...caller }, body: request });
    const body = (await response.json()) as { data?: { _entities: unknown[] }; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    expect(body.data!._entities.filter(Boolean)).toHaveLength(ids.length);
    return query.mock.calls.length + execute.mock.calls.length + transaction.mock.calls.length;
  } finally {
    query.mockRestore();
    execute.mockRestore();
    transaction.mockRestore();
  }
}

describe('entity references are resolved in batches', () => {
  it('Instructor: the statements for a batch of 40 equal those for a batch of 2', async () => {
    const selection = 'id displayName offeredServices { hourlyRate { amountMinor currency } ageGroups }';
    const small = await statementsFor('instructor', 'Instructor', instructorIds.slice(0, 2), selection);
    const large = await statementsFor('instructor', 'Instructor', instructorIds, selection);
    expect(small).toBeGreaterThan(0);
    expect(large).toBe(small);
  });

  it('Service: the statements for a batch of all services equal those for a batch of 2, category included', async () => {
    const small = await statementsFor('catalog', 'Service', serviceIds.slice(0, 2), 'id name category { slug }');
    const large = await statementsFor('catalog', 'Service', serviceIds, 'id name category { slug }');
    expect(small).toBeGreaterThan(0);
    expect(large).toBe(small);
  });

  it('Instructor.nextAvailableSlots (availability): the statements for a batch of 40 equal those for a batch of 2', async () => {
    const selection = 'id nextAvailableSlots(first: 2) { startsAt }';
    const small = await statementsFor('availability', 'Instructor', instructorIds.slice(0, 2), selection);
    const large = await statementsFor('availability', 'Instructor', instructorIds, selection);
    expect(small).toBeGreaterThan(0);
    expect(large).toBe(small);
    // And the batch answers each instructor's own slots (tomorrow 09:00 and 09:15 UTC).
    const answer = await stack.graphql(`{ instructor(id: "${instructorIds[7]}") { nextAvailableSlots(first: 2) { startsAt } } }`);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect(answer.body.data).toEqual({ instructor: { nextAvailableSlots: [{ startsAt: `${tomorrow}T09:00:00.000Z` }, { startsAt: `${tomorrow}T09:15:00.000Z` }] } });
  });
});
