import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  EVENT_TYPES,
  EventSchemaRegistry,
  heldSlot,
  INSTRUCTOR_STATE_EVENTS,
  InstructorPrivateEventType,
  PaymentEventType,
  PRIVATE_EVENT_TOPICS,
  PrivateTopic,
  SlotHoldPath,
  SlotHoldRefusal,
  topicForEventType,
  type HeldSlot,
  type HoldSlotRequest,
} from '@instainstru/events';
import { ApiErrorCode, createLogger, InternalClient, RemoteServiceError, type ServiceDeps } from '@instainstru/platform';
import { AvailabilityError, AvailabilityErrorCode } from '../../services/availability/src/domain/availability.errors';
import type { HoldRequest, SlotHolds } from '../../services/availability/src/module';
import { holdRoutes } from '../../services/availability/src/http/hold.routes';
import { AvailabilitySlotHolds } from '../../services/booking/src/infra/availability.client';

const root = resolve(__dirname, '../..');
/** Where scripts/codegen-events.ts writes (its json-schema-to-typescript is run as a program: it loads prettier as an ES module). */
const GENERATED_DIR = 'packages/events/src/__generated__';

describe('event contracts', () => {
  it('the committed event types are what json-schema-to-typescript generates from schemas/events', () => {
    const out = mkdtempSync(join(tmpdir(), 'codegen-events-'));
    try {
      execFileSync(join(root, 'node_modules/.bin/tsx'), ['scripts/codegen-events.ts', '--out-dir', out], { cwd: root, stdio: 'pipe' });
      const generated = readdirSync(join(out, GENERATED_DIR)).sort();
      expect(readdirSync(join(root, GENERATED_DIR)).sort()).toEqual(generated);
      for (const name of generated) {
        const file = `${GENERATED_DIR}/${name}`;
        expect({ file, content: readFileSync(join(root, file), 'utf8') }).toEqual({ file, content: readFileSync(join(out, file), 'utf8') });
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);

  it('every event type with a schema is named in packages/events, and every name has a schema', () => {
    const withSchema = new EventSchemaRegistry().types().map((key) => key.replace(/@\d+$/, ''));
    expect([...new Set(withSchema)].sort()).toEqual([...EVENT_TYPES].sort());
  });
});

describe('private event channels', () => {
  /** Each private event type and the only services that may name it: its producer and its one consumer. */
  const namedBy: Record<string, string[]> = {
    [InstructorPrivateEventType.PayoutAccountUpdated]: ['booking', 'instructor'],
    // Booking's payment commands: produced and consumed by booking alone.
    [PaymentEventType.AuthorizationDue]: ['booking'],
    [PaymentEventType.CaptureDue]: ['booking'],
    [PaymentEventType.VoidDue]: ['booking'],
    [PaymentEventType.RefundDue]: ['booking'],
  };

  it('every private event type goes to a `<producer>.private.<stream>` topic of its own, never to the public one', () => {
    expect(Object.keys(PRIVATE_EVENT_TOPICS).sort()).toEqual(Object.keys(namedBy).sort());
    for (const [type, topic] of Object.entries(PRIVATE_EVENT_TOPICS)) {
      const producer = type.split('.')[0]!;
      expect({ type, topic }).toEqual({ type, topic: expect.stringMatching(new RegExp(`^${producer}\\.private\\.[a-z0-9-]+$`)) });
      expect(topicForEventType(type, 'env-')).toBe(`env-${topic}`);
      expect(EVENT_TYPES).toContain(type);
    }
    expect(topicForEventType(InstructorPrivateEventType.PayoutAccountUpdated)).toBe(PrivateTopic.InstructorPayoutAccounts);
    // The public instructor state events, which every read model consumes, stay on instructor.events.
    for (const type of INSTRUCTOR_STATE_EVENTS) expect(topicForEventType(type)).toBe('instructor.events');
  });

  it('no service but the producer and the one consumer names a private event type or topic', () => {
    const servicesDir = join(root, 'services');
    const sources = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) return entry.name === '__generated__' || entry.name === 'node_modules' ? [] : sources(path);
        return entry.name.endsWith('.ts') ? [path] : [];
      });
    for (const [type, allowed] of Object.entries(namedBy)) {
      const constants = { InstructorPrivateEventType, PaymentEventType } as Record<string, Record<string, string>>;
      const constant = Object.entries(constants).flatMap(([group, values]) => Object.entries(values).filter(([, value]) => value === type).map(([name]) => `${group}.${name}`));
      const topic = PRIVATE_EVENT_TOPICS[type]!;
      const topicConstant = Object.entries(PrivateTopic).find(([, value]) => value === topic)?.[0];
      const names = [type, topic, ...constant, `PrivateTopic.${topicConstant}`];
      const naming = readdirSync(servicesDir).filter((service) =>
        sources(join(servicesDir, service, 'src')).some((file) => {
          const text = readFileSync(file, 'utf8');
          return names.some((name) => text.includes(name));
        }),
      );
      expect({ type, services: naming.sort() }).toEqual({ type, services: allowed });
    }
  });
});

describe('the slot-hold contract (booking → availability)', () => {
  const secret = 'slot-hold-contract-test-secret-0123456789';
  const instructorId = '2f1c6a8e-4b7d-4c1e-9a3f-5d6e7f809a1b';
  const bookingId = '7b9e2d4c-1a3f-4e5d-8c7b-6a5f4e3d2c1b';
  const asked: HoldRequest[] = [];
  let server: Server;
  let routes: ReturnType<typeof holdRoutes>;
  let booking: AvailabilitySlotHolds;

  /** Availability's real routes over a stand-in for its slot holds: what it holds answers as the contract says. */
  const holds = {
    async hold(request: HoldRequest): Promise<HeldSlot> {
      asked.push(request);
      if (request.startsAt.getUTCHours() === 13) throw new AvailabilityError(AvailabilityErrorCode.SlotUnavailable, 'taken', {});
      return { ...request, startsAt: request.startsAt.toISOString(), endsAt: request.endsAt.toISOString(), status: 'HELD', expiresAt: '2030-05-06T10:10:00.000Z' };
    },
    release: async (id: string) => ({ released: id === bookingId }),
  } as unknown as SlotHolds;

  beforeAll(async () => {
    const deps = { config: { service: 'availability', signingSecret: secret, callerMaxAgeMs: 60_000 }, logger: createLogger('availability', 'silent') } as unknown as ServiceDeps;
    routes = holdRoutes(deps, holds);
    server = createServer((req, res) => {
      const route = routes[req.url ?? ''];
      if (route) void route(req, res, 'req-1');
      else res.writeHead(404).end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    booking = new AvailabilitySlotHolds(new InternalClient({ from: 'booking', to: 'availability', baseUrl, signingSecret: secret, timeoutMs: 2000 }));
  });

  afterAll(async () => {
    booking.close();
    await new Promise((done) => server.close(done));
  });

  it("availability serves exactly the contract's paths", () => {
    expect(Object.keys(routes).sort()).toEqual(Object.values(SlotHoldPath).sort());
  });

  const request: HoldSlotRequest = { bookingId, instructorId, startsAt: '2030-05-06T10:00:00.000Z', endsAt: '2030-05-06T11:00:00.000Z' };

  it("booking's client holds through availability's route: instants arrive as instants, the answer is the contract's", async () => {
    const held = await booking.hold(request);
    expect(heldSlot.parse(held)).toEqual({ ...request, status: 'HELD', expiresAt: '2030-05-06T10:10:00.000Z' });
    expect(asked.at(-1)).toEqual({ bookingId, instructorId, startsAt: new Date(request.startsAt), endsAt: new Date(request.endsAt) });
  });

  it('a release answers whether there was a hold', async () => {
    await expect(booking.release(bookingId)).resolves.toBe(true);
    await expect(booking.release(instructorId)).resolves.toBe(false);
  });

  it("a refusal reaches booking with availability's code and reason", async () => {
    const refusal = await booking.hold({ ...request, startsAt: '2030-05-06T13:00:00.000Z', endsAt: '2030-05-06T14:00:00.000Z' }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(RemoteServiceError);
    expect(refusal).toMatchObject({ apiCode: ApiErrorCode.Conflict, code: SlotHoldRefusal.SlotUnavailable });
  });

  it("a body outside the contract is refused by availability's route before anything is held", async () => {
    const client = new InternalClient({ from: 'booking', to: 'availability', baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, signingSecret: secret });
    const count = asked.length;
    try {
      const refusal = await client.post(SlotHoldPath.Hold, { ...request, startsAt: 'Monday 10am' }).catch((e: unknown) => e);
      expect(refusal).toMatchObject({ apiCode: ApiErrorCode.BadUserInput, code: 'INVALID_REQUEST' });
      expect(asked).toHaveLength(count);
    } finally {
      client.close();
    }
  });

  it("every refusal the contract names is one of availability's error codes", () => {
    expect(Object.values(AvailabilityErrorCode)).toEqual(expect.arrayContaining(Object.values(SlotHoldRefusal)));
  });
});
