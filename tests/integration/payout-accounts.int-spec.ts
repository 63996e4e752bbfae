import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { createEnvelope, InstructorPrivateEventType, PrivateTopic, type EventEnvelope, type InstructorPayoutAccountUpdatedV1 } from '@instainstru/events';
import {
  accountUpdatedEvent,
  bookingSql,
  dataOf,
  ensureBucket,
  eventsConsumed,
  eventually,
  instructorSql,
  outboxEvents,
  outboxRelayWorker,
  publishEvents,
  removeUploadsOf,
  s3Client,
  sendWebhook,
  startStack,
  startWorkers,
  type RunningWorkers,
  type TestStack,
} from '@instainstru/test-harness';
import { createBookingModule, type BookingModule, type PayoutAccountDirectory } from '../../services/booking/src/module';

/** The consumer group of booking's payout-account read model. */
const PAYOUT_ACCOUNTS_GROUP = 'booking.payout-accounts';
import { createInstructorModule, type InstructorModule } from '../../services/instructor/src/module';

/**
 * The private channel instructor → booking: every change of an instructor's Stripe Connect state
 * is published by the instructor service's outbox on `<prefix>instructor.private.payout-accounts`
 * and kept by booking's payout-accounts consumer in instructor_payout_account, on real Postgres,
 * Kafka and stripe-mock. (Booking's worker is started from its job until module.ts lists it.)
 */

let stack: TestStack;
let instructor: InstructorModule;
let workers: RunningWorkers | undefined;
let s3: S3Client;
let directory: PayoutAccountDirectory;
let booking: BookingModule;

beforeAll(async () => {
  s3 = s3Client();
  await ensureBucket(s3);
  stack = await startStack({
    instructor: (deps) => {
      instructor = createInstructorModule(deps);
      return instructor.subgraph();
    },
    booking: (deps) => {
      booking = createBookingModule(deps);
      return booking.subgraph();
    },
  });
  directory = booking.payoutAccounts;
  workers = await startWorkers([booking.payoutAccountsWorker(), outboxRelayWorker(stack, 'instructor')]);
});

afterAll(async () => {
  await workers?.stop();
  if (stack) await removeUploadsOf(stack, s3);
  s3?.destroy();
  await stack?.stop();
});

interface StoredAccount {
  stripe_account_id: string | null;
  charges_enabled: boolean;
  payouts_enabled: boolean;
  details_submitted: boolean;
  revision: number;
}

const stored = async (instructorId: string): Promise<StoredAccount | undefined> =>
  (
    await bookingSql<StoredAccount>(
      stack,
      `select stripe_account_id, charges_enabled, payouts_enabled, details_submitted, revision::int as revision from instructor_payout_account where instructor_id = $1`,
      [instructorId],
    )
  )[0];

/** Waits until booking holds the instructor's payout account at `revision` or later. */
const bookingHolds = (instructorId: string, revision: number) =>
  eventually(async () => ((await stored(instructorId))?.revision ?? -1) >= revision, 20_000, `booking to hold the payout account of ${instructorId} at revision ${revision}`);

const payoutEvents = async (instructorId: string) => (await outboxEvents(stack, 'instructor', instructorId)).filter((e) => e.type === InstructorPrivateEventType.PayoutAccountUpdated);

/** An instructor with a Connect account created through the API (stripe-mock), not yet enabled. */
async function instructorWithAccount(sub: string): Promise<{ id: string; accountId: string }> {
  const token = await stack.token({ sub, roles: ['instructor'] });
  const id = dataOf<{ startInstructorOnboarding: { id: string } }>(
    await stack.graphql(`mutation { startInstructorOnboarding(input: { displayName: "Payout Tester" }) { id } }`, { token }),
  ).startInstructorOnboarding.id;
  dataOf(await stack.graphql(`mutation($id: ID!) { startPayoutAccountOnboarding(instructorId: $id) { url } }`, { token, variables: { id } }));
  const { instructor: read } = dataOf<{ instructor: { privateDetails: { payoutAccount: { stripeAccountId: string } } } }>(
    await stack.graphql(`query($id: ID!) { instructor(id: $id) { privateDetails { payoutAccount { stripeAccountId } } } }`, { token, variables: { id } }),
  );
  return { id, accountId: read.privateDetails.payoutAccount.stripeAccountId };
}

const now = () => Math.floor(Date.now() / 1000);

describe("an instructor's Connect state reaches booking through the private topic", () => {
  it('account created, enabled by account.updated, withdrawn: booking holds each state in turn', async () => {
    const { id, accountId } = await instructorWithAccount('payout-flow');
    await bookingHolds(id, 1);
    expect(await stored(id)).toEqual({ stripe_account_id: accountId, charges_enabled: false, payouts_enabled: false, details_submitted: false, revision: 1 });
    expect(await directory.find(id)).toEqual({ stripeAccountId: accountId, chargesEnabled: false, payoutsEnabled: false });

    expect((await sendWebhook(stack, accountUpdatedEvent({ id: accountId, chargesEnabled: true }, { created: now() - 5 }))).body.outcome).toBe('applied');
    await bookingHolds(id, 2);
    expect(await directory.find(id)).toEqual({ stripeAccountId: accountId, chargesEnabled: true, payoutsEnabled: true });

    // An account.updated about something else (same capabilities) is applied but publishes nothing.
    expect((await sendWebhook(stack, accountUpdatedEvent({ id: accountId, chargesEnabled: true }, { created: now() - 4 }))).body.outcome).toBe('applied');
    expect(await payoutEvents(id)).toHaveLength(2);

    expect((await sendWebhook(stack, accountUpdatedEvent({ id: accountId, chargesEnabled: false, payoutsEnabled: true }, { created: now() }))).body.outcome).toBe('applied');
    await bookingHolds(id, 3);
    expect(await stored(id)).toEqual({ stripe_account_id: accountId, charges_enabled: false, payouts_enabled: true, details_submitted: true, revision: 3 });

    // Written with the change, on the private topic, keyed by the instructor; the instructor's own row says the same.
    const rows = await instructorSql<{ topic: string; aggregate_id: string; type: string }>(stack, `select topic, aggregate_id, type from outbox where aggregate_id = $1 order by seq`, [id]);
    const prefix = stack.deps.instructor!.config.kafka.topicPrefix;
    expect(rows.filter((r) => r.type === InstructorPrivateEventType.PayoutAccountUpdated)).toEqual(
      Array(3).fill({ topic: `${prefix}${PrivateTopic.InstructorPayoutAccounts}`, aggregate_id: id, type: InstructorPrivateEventType.PayoutAccountUpdated }),
    );
    expect(rows.filter((r) => r.type !== InstructorPrivateEventType.PayoutAccountUpdated).every((r) => r.topic === `${prefix}instructor.events`)).toBe(true);
    // The public events never carry the account id.
    const publicEvents = (await outboxEvents(stack, 'instructor', id)).filter((e) => e.type !== InstructorPrivateEventType.PayoutAccountUpdated);
    expect(publicEvents.length).toBeGreaterThan(0);
    expect(JSON.stringify(publicEvents)).not.toContain(accountId);
    const [profile] = await instructorSql<{ revision: number }>(stack, `select payout_account_revision::int as revision from instructor_profile where id = $1`, [id]);
    expect(profile).toEqual({ revision: 3 });
  });

  it('an unknown instructor, or an id that is not one, has no payout account', async () => {
    expect(await directory.find(randomUUID())).toBeNull();
    expect(await directory.find('not-an-id')).toBeNull();
  });
});

describe('redelivered and out-of-order events', () => {
  const state = (instructorId: string, revision: number, account: Partial<InstructorPayoutAccountUpdatedV1>): EventEnvelope<InstructorPayoutAccountUpdatedV1> =>
    createEnvelope({
      type: InstructorPrivateEventType.PayoutAccountUpdated,
      aggregateId: instructorId,
      payload: {
        instructorId,
        stripeAccountId: 'acct_test_order',
        chargesEnabled: false,
        payoutsEnabled: false,
        detailsSubmitted: false,
        revision,
        occurredAt: new Date(Date.UTC(2030, 0, 1, 12, revision)).toISOString(),
        ...account,
      },
    });

  const processed = (events: EventEnvelope[]) => eventsConsumed(stack, 'booking', PAYOUT_ACCOUNTS_GROUP, events);

  it('leave the newest state: an older revision changes nothing, the same event twice is applied once', async () => {
    const id = randomUUID();
    const r1 = state(id, 1, {});
    const r2 = state(id, 2, { chargesEnabled: true, payoutsEnabled: true, detailsSubmitted: true });
    const r3 = state(id, 3, { chargesEnabled: false, payoutsEnabled: true, detailsSubmitted: true });
    // Newest first, then the older ones late, then the newest delivered again.
    await publishEvents(stack, [r3, r1, r2, r3]);
    await processed([r3, r1, r2]);
    const newest = { stripe_account_id: 'acct_test_order', charges_enabled: false, payouts_enabled: true, details_submitted: true, revision: 3 };
    expect(await stored(id)).toEqual(newest);
    const [inbox] = await bookingSql<{ n: number }>(stack, `select count(*)::int as n from inbox where event_id = $1`, [r3.id]);
    expect(inbox).toEqual({ n: 1 });

    // A republish of the same revision (a new event id) stores the same state again; an account
    // removed at a newer revision leaves booking with none.
    const again = state(id, 3, { chargesEnabled: false, payoutsEnabled: true, detailsSubmitted: true });
    const removed = state(id, 4, { stripeAccountId: null });
    await publishEvents(stack, [again]);
    await processed([again]);
    expect(await stored(id)).toEqual(newest);
    await publishEvents(stack, [removed, r2]);
    await processed([removed, r2]);
    expect(await directory.find(id)).toEqual({ stripeAccountId: null, chargesEnabled: false, payoutsEnabled: false });
    expect((await stored(id))?.revision).toBe(4);
  });
});

describe('the demo seed and the operator republish', () => {
  const catalog = [
    { id: randomUUID(), name: 'Piano', categorySlug: 'music' },
    { id: randomUUID(), name: 'Guitar', categorySlug: 'music' },
  ];

  it('seeded instructors reach booking with their enabled accounts; a republish restores what booking lost and changes nothing else', async () => {
    const { created } = await instructor.seed(catalog, { count: 3, seed: 42 });
    expect(created).toBe(3);
    const seeded = await instructorSql<{ id: string; stripe_account_id: string; revision: number }>(
      stack,
      `select id, stripe_account_id, payout_account_revision::int as revision from instructor_profile where user_id like 'seed-instructor-%' order by id`,
    );
    expect(seeded).toHaveLength(3);
    for (const { id, stripe_account_id, revision } of seeded) {
      expect(revision).toBe(2); // created, then enabled by the demo account.updated
      await bookingHolds(id, 2);
      expect(await directory.find(id)).toEqual({ stripeAccountId: stripe_account_id, chargesEnabled: true, payoutsEnabled: true });
    }

    // Booking lost one row (say a read model rebuilt): the operator republishes the Connect state.
    const [lost, ...kept] = seeded;
    await bookingSql(stack, `delete from instructor_payout_account where instructor_id = $1`, [lost!.id]);
    const keptRows = () =>
      bookingSql(
        stack,
        `select instructor_id, stripe_account_id, charges_enabled, payouts_enabled, details_submitted, revision::int as revision
           from instructor_payout_account where instructor_id = any($1::uuid[]) order by instructor_id`,
        [kept.map((k) => k.id)],
      );
    const keptBefore = await keptRows();
    const instructorsBefore = await instructorSql(stack, `select id, revision, payout_account_revision, xmin::text from instructor_profile order by id`);
    const total = Number((await instructorSql<{ n: string }>(stack, `select count(*) as n from instructor_profile`))[0]!.n);
    expect(await instructor.republishPayoutAccounts(2)).toBe(total);
    await bookingHolds(lost!.id, 2);
    expect(await directory.find(lost!.id)).toEqual({ stripeAccountId: lost!.stripe_account_id, chargesEnabled: true, payoutsEnabled: true });
    // The others receive the revision they hold again: the same state.
    await eventsConsumed(stack, 'booking', PAYOUT_ACCOUNTS_GROUP, await Promise.all(kept.map(async (k) => (await payoutEvents(k.id)).at(-1)!)));
    expect(await keptRows()).toEqual(keptBefore);
    // The instructor service changed nothing.
    expect(await instructorSql(stack, `select id, revision, payout_account_revision, xmin::text from instructor_profile order by id`)).toEqual(instructorsBefore);
  });
});
