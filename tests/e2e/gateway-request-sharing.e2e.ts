import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { startStack, type TestStack } from '@instainstru/test-harness';
import { createBookingModule } from '../../services/booking/src/module';
import { createCatalogModule } from '../../services/catalog/src/module';

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({ catalog: (deps) => createCatalogModule(deps).subgraph(), booking: (deps) => createBookingModule(deps).subgraph() });
  await createCatalogModule(stack.deps.catalog!).seed();
  const sql = new pg.Client({ connectionString: stack.db.urlFor('booking') });
  await sql.connect();
  try {
    for (const [student, hours] of [['student-ann', 30], ['student-bob', 54]] as const) {
      await sql.query(
        `insert into booking.booking (status, instructor_id, instructor_user_id, student_user_id, starts_at, ends_at, service_id, duration_minutes, lesson_mode, price_minor, currency, confirmed_at)
         values ('CONFIRMED', gen_random_uuid(), 'instr-share', $1, date_trunc('hour', now()) + make_interval(hours => $2), date_trunc('hour', now()) + make_interval(hours => $2 + 1),
                 gen_random_uuid(), 60, 'online', 6000, 'USD', now())`,
        [student, hours],
      );
    }
  } finally {
    await sql.end();
  }
});

afterAll(() => stack?.stop());

const callsTo = (service: 'catalog' | 'booking') => stack.subgraphRequests(service);

const MY_BOOKINGS = '{ myBookings(when: UPCOMING) { edges { node { id studentId } } } }';

describe('identical subgraph requests in flight', () => {
  it('sends sixteen identical anonymous queries arriving together once', async () => {
    // The catalog answers through a link that takes 300 ms, so all sixteen are in flight together.
    const slow = createServer((req, res) => {
      setTimeout(() => {
        const target = new URL(req.url ?? '/', stack.subgraphUrls.catalog);
        req.pipe(httpRequest(target, { method: req.method, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        }));
      }, 300);
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      const gateway = await stack.startGateway({ subgraphUrls: { catalog: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/graphql` } });
      const query = '{ searchInstructors(text: "piano", first: 20) { edges { node { id } } pageInfo { hasNextPage } } }';
      const before = await callsTo('catalog');
      const answers = await Promise.all(Array.from({ length: 16 }, () => gateway.graphql(query)));
      for (const answer of answers) expect(answer.body.data).toEqual(answers[0]!.body.data);
      expect(answers[0]!.body.errors).toBeUndefined();
      expect(await callsTo('catalog')).toBe(before + 1);
    } finally {
      slow.close();
    }
  });

  it("never shares one student's call with another's: two students' concurrent myBookings each see their own", async () => {
    const ann = await stack.token({ sub: 'student-ann', roles: ['student'] });
    const bob = await stack.token({ sub: 'student-bob', roles: ['student'] });
    for (let round = 0; round < 5; round += 1) {
      const before = await callsTo('booking');
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => stack.graphql(MY_BOOKINGS, { token: i % 2 === 0 ? ann : bob }).then((answer) => ({ student: i % 2 === 0 ? 'student-ann' : 'student-bob', answer }))),
      );
      for (const { student, answer } of answers) {
        expect(answer.body.errors).toBeUndefined();
        const students = (answer.body.data!.myBookings as { edges: { node: { studentId: string } }[] }).edges.map((e) => e.node.studentId);
        expect(students).toEqual([student]);
      }
      // Each student's identical calls may share one call; the two students never do.
      expect(await callsTo('booking')).toBeGreaterThanOrEqual(before + 2);
    }
  });

  it('sends every mutation, even identical ones arriving together', async () => {
    const token = await stack.token({ sub: 'student-ann', roles: ['student'] });
    const mutation = 'mutation { cancelBooking(id: "00000000-0000-4000-8000-000000000000") { id } }';
    const before = await callsTo('booking');
    await Promise.all(Array.from({ length: 4 }, () => stack.graphql(mutation, { token })));
    expect(await callsTo('booking')).toBe(before + 4);
  });
});
