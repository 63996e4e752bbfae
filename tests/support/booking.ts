/**
 * What of the booking service its tests run in-process (its read model of instructors, its outbox
 * relay) and the two testbeds its suites share: booking alone with a calendar that never answers
 * (*.int-spec.ts), and the whole marketplace behind the gateway (*.e2e.ts).
 * Everything else is in @instainstru/test-harness, which never imports a service.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { S3Client } from '@aws-sdk/client-s3';
import { DateTime } from 'luxon';
import type { EventEnvelope } from '@instainstru/events';
import {
  availabilitySql,
  bookingSql,
  CREATE_BOOKING,
  ensureBucket,
  eventsConsumed,
  eventually,
  hoursFromNow,
  instructorStateEvent,
  liveInstructor,
  outboxRelayWorker,
  publishEvents,
  publishWeek,
  removeUploadsOf,
  s3Client,
  serviceIdsByName,
  startStack,
  startWorkers,
  waitForReadModel,
  withPeers,
  type GraphQLResult,
  type RunningWorkers,
  type TestInstructor,
  type TestStack,
} from '@instainstru/test-harness';
import { createCatalogModule } from '../../services/catalog/src/module';
import { createInstructorModule } from '../../services/instructor/src/module';
import { createBookingModule, type BookingModule } from '../../services/booking/src/module';
import { availabilityBuilder, startAvailabilityWorkers } from './availability';
import { bookingConfigFor, ledgerViolations, payableInstructors, payingGraphql, savedCards, type SavedCards } from './payments';
import { emulatorWorld, type EmulatorWorld } from '@instainstru/test-harness';

/** The consumer group of booking's read model of instructors. */
export const BOOKING_OFFERINGS_GROUP = 'booking.instructor-offerings';

/**
 * What `npm start` runs as workers for booking, in-process: booking's instructor read model and
 * booking's outbox relay, plus the instructor's relay when the stack runs the instructor service
 * and nobody else relays it (startAvailabilityWorkers does: pass `instructorRelay: false` then).
 */
export function startBookingPipeline(stack: TestStack, booking: BookingModule, options: { instructorRelay?: boolean } = {}): Promise<RunningWorkers> {
  return startWorkers([
    booking.instructorOfferingsWorker(),
    outboxRelayWorker(stack, 'booking'),
    options.instructorRelay === false ? null : outboxRelayWorker(stack, 'instructor'),
  ]);
}

/** Waits until booking's consumer recorded these instructor events in its inbox (applied or dropped). */
export const bookingProcessed = (stack: TestStack, events: EventEnvelope[]) => eventsConsumed(stack, 'booking', BOOKING_OFFERINGS_GROUP, events);

/** A listener on availability's internal paths that never answers a hold and answers releases when told to. */
export class SilentCalendar {
  readonly released: string[] = [];
  /** Booking ids of the holds asked for (never answered). */
  readonly holdsAsked: string[] = [];
  answerReleases = true;
  private readonly pending: ServerResponse[] = [];
  readonly server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      if (req.url === '/internal/holds/release' && this.answerReleases) {
        this.released.push((JSON.parse(body) as { bookingId: string }).bookingId);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { released: true } }));
      } else {
        if (req.url === '/internal/holds/hold') this.holdsAsked.push((JSON.parse(body) as { bookingId: string }).bookingId);
        this.pending.push(res);
      }
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.pending) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** An address nothing listens on. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** The instructors booking's read model holds in the booking-alone testbed. */
export const LONE = {
  /** The one service the instructors offer (60 or 30 minutes, online). */
  service: randomUUID(),
  otherService: randomUUID(),
  teacher: 'teacher-int-1',
  /** Live at revision 2. */
  instructorId: randomUUID(),
  offlineInstructorId: randomUUID(),
  /** Live at revision 1; a test locks its read-model row and changes it. */
  lockedInstructorId: randomUUID(),
};

export interface CreateInput {
  instructorId: string;
  serviceId: string;
  startsAt: string;
  durationMinutes: number;
  lessonMode: string;
  [field: string]: unknown;
}

export interface BookingTestbed {
  readonly stack: TestStack;
  readonly module: BookingModule;
  readonly calendar: SilentCalendar;
  /** How far the booking service's clock runs ahead of the real one (reset after each test). */
  clockOffsetMs: number;
  token(sub: string, roles: string[]): Promise<string>;
  student(sub?: string): Promise<string>;
  /** createBooking's input for LONE's live instructor, 48 hours ahead, with `overrides`. */
  createInput(overrides?: Record<string, unknown>): CreateInput;
  /** The file's Stripe world on the emulator. */
  readonly world: EmulatorWorld;
  /** Students' saved cards (createBooking through `stack.graphql` pays with them unless the input names one). */
  readonly cards: SavedCards;
}

/**
 * Registers the hooks of a file testing booking alone on real Postgres and Kafka: its read model
 * knows LONE's instructors; availability is a SilentCalendar (a hold is never answered).
 */
export function useBookingTestbed(): BookingTestbed {
  const calendar = new SilentCalendar();
  let pipeline: RunningWorkers | undefined;
  const world = emulatorWorld();
  const bed = {
    calendar,
    world,
    clockOffsetMs: 0,
    token: (sub: string, roles: string[]) => bed.stack.token({ sub, roles }),
    student: (sub = 'student-int-1') => bed.token(sub, ['student']),
    createInput: (overrides: Record<string, unknown> = {}) => ({
      instructorId: LONE.instructorId,
      serviceId: LONE.service,
      startsAt: hoursFromNow(48).toISOString(),
      durationMinutes: 60,
      lessonMode: 'ONLINE',
      ...overrides,
    }),
  } as BookingTestbed & { stack: TestStack; module: BookingModule; cards: SavedCards };

  beforeAll(async () => {
    const calendarUrl = await calendar.start();
    bed.stack = await startStack({
      booking: (deps) => {
        bed.module = createBookingModule(deps, {
          config: bookingConfigFor(world, { availability: { url: calendarUrl, timeoutMs: 300 }, autoCompleteAfterMinutes: 1440, jobIntervalMs: 60_000 }),
          clock: () => new Date(Date.now() + bed.clockOffsetMs),
        });
        return bed.module.subgraph();
      },
    });
    (bed as { cards: SavedCards }).cards = savedCards(bed.stack, world);
    bed.stack.graphql = payingGraphql(bed.stack, bed.cards);
    await payableInstructors(world, bed.module, [LONE.instructorId, LONE.offlineInstructorId, LONE.lockedInstructorId]);
    pipeline = await startBookingPipeline(bed.stack, bed.module);
    const events = [
      instructorStateEvent({ instructorId: LONE.instructorId, userId: LONE.teacher, revision: 2, offered: [{ serviceId: LONE.service, durationsMinutes: [60, 30], lessonModes: ['online'] }] }),
      instructorStateEvent({ instructorId: LONE.offlineInstructorId, revision: 1, isLive: false, offered: [{ serviceId: LONE.service }] }),
      instructorStateEvent({ instructorId: LONE.lockedInstructorId, userId: 'teacher-int-locked', revision: 1, offered: [{ serviceId: LONE.service, durationsMinutes: [60], lessonModes: ['online'] }] }),
    ];
    await publishEvents(bed.stack, events);
    await bookingProcessed(bed.stack, events);
  });

  afterAll(async () => {
    await pipeline?.stop();
    // Whatever the file did, the credits ledger holds: every posting set sums to zero, no account below zero.
    if (bed.stack) expect(await ledgerViolations(bed.stack)).toEqual({ unbalanced: [], negative: [] });
    await bed.stack?.stop();
    await calendar.stop();
  });

  afterEach(() => {
    bed.clockOffsetMs = 0;
  });

  return bed;
}

/** The buffer availability keeps after each lesson (its default configuration). */
export const BUFFER_MINUTES = 15;
/** The hold TTL of availability's default configuration (AVAILABILITY_HOLD_TTL_SECONDS). */
export const HOLD_TTL_SECONDS = 600;
/** The instructor's zone in the marketplace testbed. */
export const ZONE = 'America/New_York';
/** A whole week, 08:00–20:00 every day. */
export const WHOLE_DAYS = [1, 2, 3, 4, 5, 6, 7].map((dayOfWeek) => ({ dayOfWeek, startTime: '08:00', endTime: '20:00' }));

export interface BookingView {
  id: string;
  status: string;
  startsAt: string;
  endsAt: string;
  price: { amountMinor: number; currency: string };
}

export interface MarketplaceTestbed {
  readonly stack: TestStack;
  /** The file's Stripe world on the emulator. */
  readonly world: EmulatorWorld;
  /** Students' saved cards (book() and createBooking through `stack.graphql` pay with them unless the input names one). */
  readonly cards: SavedCards;
  /** Booking's parts, to drive a create step by step. */
  readonly bookingModule: BookingModule;
  /** The live piano teacher (30- and 60-minute lessons, online) whose week two weeks ahead is fully published. */
  readonly teacher: TestInstructor;
  /** The teacher's user (the `sub` of their token). */
  readonly teacherSub: string;
  readonly pianoId: string;
  /** The Monday (in the teacher's zone) of the published week. */
  readonly monday: DateTime;
  /** How far booking's clock runs ahead (to complete lessons that have not happened yet); reset after each test. */
  bookingClockOffsetMs: number;
  /** How far availability's clock runs ahead (to let unconfirmed holds expire); reset after each test. */
  calendarClockOffsetMs: number;
  /** An instant of the published week: ISO day 1..7 at local HH:MM in the teacher's zone, as UTC ISO. */
  at(day: number, hhmm: string): string;
  studentToken(sub: string): Promise<string>;
  /** createBooking through the gateway: the teacher's piano, 60 minutes online, unless overridden. */
  book(token: string, startsAt: string, overrides?: Record<string, unknown>): Promise<GraphQLResult>;
  /**
   * Books with booking's clock `leadDays + 1` days before the lesson (the authorisation scheduled,
   * not made while booking), then moves that clock to three days before it: with a lead time of
   * `leadDays` (more than three) the scheduled authorisation is due.
   */
  bookDue(token: string, startsAt: string, overrides?: Record<string, unknown>, leadDays?: number): Promise<GraphQLResult>;
  /** Availability's hold of a booking (undefined when there is none). */
  holdOf(bookingId: string): Promise<{ status: string; starts_at: Date; ends_at: Date } | undefined>;
  /** Holds at availability that overlap another active hold of the instructor, counting the buffer after each lesson. */
  overlappingActiveHolds(): Promise<number>;
  /** Waits until booking's read model holds the instructor with this live status. */
  liveInBooking(instructorId: string, isLive: boolean): Promise<void>;
}

/**
 * Registers the hooks of a file testing booking end to end: the real gateway over the real
 * instructor, catalog, availability and booking subgraphs, with their workers in-process
 * (instructor → Kafka → availability and booking read models; booking → Kafka → availability
 * holds), and one teacher live with a whole week published.
 */
export function useMarketplaceTestbed(options: { bookingEnv?: Record<string, string> } = {}): MarketplaceTestbed {
  let s3: S3Client | undefined;
  let workers: RunningWorkers | undefined;
  const world = emulatorWorld();
  const bed = {
    world,
    bookingClockOffsetMs: 0,
    calendarClockOffsetMs: 0,
    at(day: number, hhmm: string) {
      const [hour, minute] = hhmm.split(':').map(Number);
      return bed.monday.plus({ days: day - 1 }).set({ hour: hour!, minute: minute!, second: 0, millisecond: 0 }).toUTC().toISO()!;
    },
    studentToken: (sub: string) => bed.stack.token({ sub, roles: ['student'] }),
    book: (token: string, startsAt: string, overrides: Record<string, unknown> = {}) =>
      bed.stack.graphql(CREATE_BOOKING, {
        token,
        variables: { input: { instructorId: bed.teacher.id, serviceId: bed.pianoId, startsAt, durationMinutes: 60, lessonMode: 'ONLINE', ...overrides } },
      }),
    async bookDue(token: string, startsAt: string, overrides: Record<string, unknown> = {}, leadDays = 7) {
      bed.bookingClockOffsetMs = Date.parse(startsAt) - (leadDays + 1) * 86_400_000 - Date.now();
      const result = await bed.book(token, startsAt, overrides);
      bed.bookingClockOffsetMs = Date.parse(startsAt) - 3 * 86_400_000 - Date.now();
      return result;
    },
    holdOf: async (bookingId: string) =>
      (await availabilitySql<{ status: string; starts_at: Date; ends_at: Date }>(bed.stack, `select status, starts_at, ends_at from slot_hold where booking_id = $1`, [bookingId]))[0],
    async overlappingActiveHolds() {
      const [row] = await availabilitySql<{ n: string }>(
        bed.stack,
        `select count(*) as n from slot_hold a join slot_hold b on a.instructor_id = b.instructor_id and a.booking_id < b.booking_id
          where (a.status = 'CONFIRMED' or a.expires_at > now()) and (b.status = 'CONFIRMED' or b.expires_at > now())
            and tstzrange(a.starts_at, a.ends_at + make_interval(mins => $1)) && tstzrange(b.starts_at, b.ends_at + make_interval(mins => $1))`,
        [BUFFER_MINUTES],
      );
      return Number(row!.n);
    },
    async liveInBooking(instructorId: string, isLive: boolean) {
      await eventually(
        async () => (await bookingSql<{ is_live: boolean }>(bed.stack, `select is_live from instructor_offering where instructor_id = $1`, [instructorId]))[0]?.is_live === isLive,
        20_000,
        `booking to see instructor ${instructorId} ${isLive ? 'live' : 'offline'}`,
      );
    },
  } as MarketplaceTestbed & { stack: TestStack; cards: SavedCards; bookingModule: BookingModule; teacher: TestInstructor; teacherSub: string; pianoId: string; monday: DateTime };
  const calendarClock = () => new Date(Date.now() + bed.calendarClockOffsetMs);

  beforeAll(async () => {
    bed.stack = await startStack({
      catalog: (deps) => createCatalogModule(deps).subgraph(),
      instructor: (deps) => createInstructorModule(deps).subgraph(),
      availability: availabilityBuilder({ clock: calendarClock }),
      booking: withPeers((deps, peers) => {
        bed.bookingModule = createBookingModule(deps, {
          config: bookingConfigFor(
            world,
            { availability: { url: peers.baseUrlOf('availability'), timeoutMs: 5000 }, autoCompleteAfterMinutes: 1440, jobIntervalMs: 60_000 },
            options.bookingEnv,
          ),
          clock: () => new Date(Date.now() + bed.bookingClockOffsetMs),
        });
        return bed.bookingModule.subgraph();
      }),
    });
    await createCatalogModule(bed.stack.deps.catalog!).seed();
    (bed as { cards: SavedCards }).cards = savedCards(bed.stack, world);
    bed.stack.graphql = payingGraphql(bed.stack, bed.cards);
    s3 = s3Client();
    await ensureBucket(s3);
    const availabilityWorkers = await startAvailabilityWorkers(bed.stack, { clock: calendarClock });
    const bookingPipeline = await startBookingPipeline(bed.stack, bed.bookingModule, { instructorRelay: false });
    workers = {
      async stop() {
        await bookingPipeline.stop();
        await availabilityWorkers.stop();
      },
    };
    bed.pianoId = (await serviceIdsByName(bed.stack)).Piano!;
    bed.teacherSub = `teacher-${randomUUID().slice(0, 8)}`;
    bed.teacher = await liveInstructor(bed.stack, { sub: bed.teacherSub, displayName: 'Booking Teacher', serviceId: bed.pianoId, ageGroups: ['ADULTS'] });
    await bed.liveInBooking(bed.teacher.id, true);
    await payableInstructors(world, bed.bookingModule, [bed.teacher.id]);
    await waitForReadModel(bed.stack, 'availability', bed.teacher.id);
    bed.monday = DateTime.now().setZone(ZONE).plus({ weeks: 2 }).startOf('week');
    await publishWeek(bed.stack, bed.teacher.token, bed.teacher.id, bed.monday.toISODate()!, WHOLE_DAYS);
  }, 120_000);

  afterAll(async () => {
    await workers?.stop();
    // Whatever the file did, the credits ledger holds: every posting set sums to zero, no account below zero.
    if (bed.stack) expect(await ledgerViolations(bed.stack)).toEqual({ unbalanced: [], negative: [] });
    if (bed.stack && s3) await removeUploadsOf(bed.stack, s3);
    s3?.destroy();
    await bed.stack?.stop();
  });

  afterEach(() => {
    bed.bookingClockOffsetMs = 0;
    bed.calendarClockOffsetMs = 0;
  });

  return bed;
}
