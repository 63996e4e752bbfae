import { randomUUID } from 'node:crypto';
import { bookingSql, dataOf, errorOf, eventually, outboxEvents, startWorkers, stripeWebhookSecret, type RunningWorkers } from '@instainstru/test-harness';
import { useMarketplaceTestbed, type BookingView } from '../support/booking';

/**
 * An instructor's money through the gateway, against the project's Stripe emulator: a lesson
 * booked, authorised, completed and captured lands on the instructor's Connect balance; the
 * instructor sees it (myEarnings), prices an instant payout (instantPayoutQuote), takes one
 * (requestInstantPayout) and follows it to the card through Stripe's Connect webhooks (myPayouts);
 * a bank's refusal puts the money back; refusals, bad amounts and racing requests write nothing
 * and never overdraw.
 */
const bed = useMarketplaceTestbed({
  bookingEnv: {
    PAYMENT_AUTHORIZATION_LEAD_MINUTES: String(7 * 24 * 60),
    PAYMENT_ACTION_DEADLINE_MINUTES: '60',
  },
});
const { at, studentToken } = bed;

const EARNINGS = `{ myEarnings { currency pendingMinor availableMinor instantAvailableMinor inTransitMinor paidOutMinor payoutsEnabled maxInstantPayoutMinor } }`;
const QUOTE = `query($amount: Int!) { instantPayoutQuote(amountMinor: $amount) { amountMinor feeMinor netMinor totalMinor currency instantAvailableMinor maxAmountMinor eligible refusal { code message } } }`;
const PAYOUT_FIELDS = `id method status amountMinor feeMinor currency requestedAt arrivalAt paidAt failure { code message }`;
const REQUEST = `mutation($amount: Int!, $key: String) { requestInstantPayout(amountMinor: $amount, idempotencyKey: $key) { ${PAYOUT_FIELDS} } }`;
const MY_PAYOUTS = `query($first: Int, $after: String) { myPayouts(first: $first, after: $after) { edges { cursor node { ${PAYOUT_FIELDS} } } pageInfo { hasNextPage endCursor } } }`;
const PAYMENT = `query($id: ID!) { booking(id: $id) { payment { status capturedAmountMinor platformFeeMinor } } }`;
const COMPLETE = `mutation($id: ID!) { completeBooking(id: $id) { id paymentStatus } }`;

interface Earnings {
  currency: string;
  pendingMinor: number;
  availableMinor: number;
  instantAvailableMinor: number;
  inTransitMinor: number;
  paidOutMinor: number;
  payoutsEnabled: boolean;
  maxInstantPayoutMinor: number;
}

interface PayoutView {
  id: string;
  method: string;
  status: string;
  amountMinor: number;
  feeMinor: number;
  currency: string;
  requestedAt: string;
  arrivalAt: string | null;
  paidAt: string | null;
  failure: { code: string; message: string } | null;
}

/** Stripe's instant payout fee as configured for the platform and the emulator: 1.5 % rounded up, at least 50. */
const feeOf = (amount: number) => Math.max(50, Math.ceil((amount * 150) / 10_000));

let workers: RunningWorkers;
let account: string;
const teacher = () => bed.teacher.token;

beforeAll(async () => {
  workers = await startWorkers([bed.bookingModule.paymentCommandsWorker()]);
  const url = `${bed.stack.subgraphUrls.booking!.replace(/\/graphql$/, '')}/webhooks/stripe`;
  await bed.world.control('/webhook_endpoints', {
    url,
    secret: stripeWebhookSecret(),
    connect: false,
  });
  await bed.world.control('/webhook_endpoints', {
    url,
    secret: stripeWebhookSecret(),
    connect: true,
  });
  const [row] = await bookingSql<{ stripe_account_id: string }>(bed.stack, `select stripe_account_id from instructor_payout_account where instructor_id = $1`, [bed.teacher.id]);
  account = row!.stripe_account_id;
});

afterAll(async () => {
  await workers?.stop();
});

afterEach(async () => {
  await bed.world.control('/webhooks/mode', { mode: 'normal' });
  await bed.world.control(`/accounts/${account}/payout_failure`, {});
});

const paymentOfBooking = async (token: string, id: string) =>
  dataOf<{ booking: { payment: { status: string } } }>(await bed.stack.graphql(PAYMENT, { token, variables: { id } })).booking.payment;

const earnings = async (token = teacher()) => dataOf<{ myEarnings: Earnings }>(await bed.stack.graphql(EARNINGS, { token })).myEarnings;
const request = (amount: number, key?: string, token = teacher()) => bed.stack.graphql(REQUEST, { token, variables: { amount, key } });
const quote = async (amount: number) =>
  dataOf<{ instantPayoutQuote: Record<string, unknown> }>(await bed.stack.graphql(QUOTE, { token: teacher(), variables: { amount } })).instantPayoutQuote;

async function payoutOf(id: string): Promise<PayoutView | undefined> {
  const page = dataOf<{ myPayouts: { edges: { node: PayoutView }[] } }>(
    await bed.stack.graphql(MY_PAYOUTS, {
      token: teacher(),
      variables: { first: 50 },
    }),
  ).myPayouts;
  return page.edges.map((e) => e.node).find((p) => p.id === id);
}

async function payoutBecomes(id: string, status: string): Promise<PayoutView> {
  let last: PayoutView | undefined;
  try {
    await eventually(async () => (last = await payoutOf(id))?.status === status, 20_000, `payout ${id} to become ${status}`);
  } catch (error) {
    throw new Error(`${(error as Error).message} (last: ${JSON.stringify(last)})`);
  }
  return last!;
}

/** Money on the teacher's Connect balance without a lesson (Stripe's test-mode top-up), pending like a fresh charge. */
async function credit(amount: number): Promise<void> {
  const response = await fetch(`${bed.world.url}/_emulator/balance/credit`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${bed.world.key}`,
      'content-type': 'application/json',
      'stripe-account': account,
    },
    body: JSON.stringify({ amount, status: 'pending' }),
  });
  if (!response.ok) throw new Error(`balance credit: ${response.status} ${await response.text()}`);
}

async function stripePayoutCount(): Promise<number> {
  return (await bed.world.stripe.payouts.list({ limit: 100 }, { stripeAccount: account })).data.length;
}

async function payoutRows(): Promise<number> {
  return Number((await bookingSql<{ n: string }>(bed.stack, `select count(*) as n from instructor_payout where instructor_id = $1`, [bed.teacher.id]))[0]!.n);
}

/** Takes the whole instant-available balance out (fee included) and waits until it arrived, so each test starts from zero. */
async function drain(): Promise<void> {
  await bed.world.control('/webhooks/mode', { mode: 'normal' });
  await bed.world.control(`/accounts/${account}/payout_failure`, {});
  const { maxInstantPayoutMinor } = await earnings();
  if (maxInstantPayoutMinor < 100) return;
  const { requestInstantPayout } = dataOf<{ requestInstantPayout: PayoutView }>(await request(maxInstantPayoutMinor));
  await bed.world.advance(1800);
  await payoutBecomes(requestInstantPayout.id, 'PAID');
}

describe('from a captured lesson to the instructor’s card', () => {
  it('shows the captured share, quotes the fee first, pays out instantly and follows the payout to PAID', async () => {
    const before = await earnings();
    expect(before).toMatchObject({
      currency: 'USD',
      payoutsEnabled: true,
      inTransitMinor: 0,
      paidOutMinor: 0,
    });

    const token = await studentToken('student-pays-teacher');
    const startsAt = at(2, '10:00');
    // Booked ahead of the 7-day lead; booking's clock then moves inside it and the scheduled authorisation runs.
    const { createBooking } = dataOf<{ createBooking: BookingView }>(await bed.bookDue(token, startsAt));
    expect((await paymentOfBooking(token, createBooking.id)).status).toBe('SCHEDULED');
    const paymentOf = async () =>
      dataOf<{
        booking: {
          payment: {
            status: string;
            capturedAmountMinor: number | null;
            platformFeeMinor: number;
          };
        };
      }>(
        await bed.stack.graphql(PAYMENT, {
          token,
          variables: { id: createBooking.id },
        }),
      ).booking.payment;
    await eventually(async () => (await bed.bookingModule.payments.sendDue(), (await paymentOf()).status === 'AUTHORIZED'), 30_000, 'authorised');
    bed.bookingClockOffsetMs = Date.parse(at(2, '12:00')) - Date.now();
    dataOf(
      await bed.stack.graphql(COMPLETE, {
        token: teacher(),
        variables: { id: createBooking.id },
      }),
    );
    await eventually(async () => (await bed.bookingModule.payments.sendDue(), (await paymentOf()).status === 'CAPTURED'), 30_000, 'captured');
    const payment = await paymentOf();
    const share = payment.capturedAmountMinor! - payment.platformFeeMinor;

    const after = await earnings();
    expect(after.pendingMinor - before.pendingMinor).toBe(share);
    expect(after.instantAvailableMinor - before.instantAvailableMinor).toBe(share);
    expect(after.maxInstantPayoutMinor + feeOf(after.maxInstantPayoutMinor)).toBeLessThanOrEqual(after.instantAvailableMinor);

    const amount = 1000;
    expect(await quote(amount)).toEqual({
      amountMinor: amount,
      feeMinor: feeOf(amount),
      netMinor: amount,
      totalMinor: amount + feeOf(amount),
      currency: 'USD',
      instantAvailableMinor: after.instantAvailableMinor,
      maxAmountMinor: after.maxInstantPayoutMinor,
      eligible: true,
      refusal: null,
    });

    const key = `payout-${createBooking.id}`;
    const { requestInstantPayout: payout } = dataOf<{
      requestInstantPayout: PayoutView;
    }>(await request(amount, key));
    expect(payout).toMatchObject({
      method: 'INSTANT',
      status: 'PENDING',
      amountMinor: amount,
      feeMinor: feeOf(amount),
      currency: 'USD',
      paidAt: null,
      failure: null,
    });
    expect(Date.parse(payout.arrivalAt!)).toBeGreaterThan(Date.now());

    // A retry with the same key answers the same payout; the key with another amount is refused.
    expect(dataOf<{ requestInstantPayout: PayoutView }>(await request(amount, key)).requestInstantPayout.id).toBe(payout.id);
    expect(errorOf(await request(amount + 1, key))).toMatchObject({
      code: 'CONFLICT',
      reason: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect(await stripePayoutCount()).toBe(1);

    const inFlight = await earnings();
    expect(inFlight.instantAvailableMinor).toBe(after.instantAvailableMinor - amount - feeOf(amount));
    expect(inFlight.inTransitMinor).toBe(amount);

    await bed.world.advance(1800);
    const paid = await payoutBecomes(payout.id, 'PAID');
    expect(paid.paidAt).not.toBeNull();
    const settled = await earnings();
    expect(settled).toMatchObject({ inTransitMinor: 0, paidOutMinor: amount });
    expect((await outboxEvents(bed.stack, 'booking', payout.id)).map((e) => [e.type, (e.payload as { status: string }).status])).toEqual([
      ['payout.requested', 'PENDING'],
      ['payout.paid', 'PAID'],
    ]);
    await drain();
  });
});

describe('when the bank refuses', () => {
  it('records the failure with Stripe’s reason and puts the amount and fee back on the balance', async () => {
    await credit(5_000);
    const before = await earnings();
    await bed.world.control(`/accounts/${account}/payout_failure`, {
      code: 'account_closed',
    });
    const { requestInstantPayout: payout } = dataOf<{
      requestInstantPayout: PayoutView;
    }>(await request(2_000));
    expect((await earnings()).instantAvailableMinor).toBe(before.instantAvailableMinor - 2_000 - feeOf(2_000));

    await bed.world.advance(1800);
    const failed = await payoutBecomes(payout.id, 'FAILED');
    expect(failed.failure).toEqual({
      code: 'account_closed',
      message: expect.stringContaining('closed'),
    });
    const after = await earnings();
    expect(after.instantAvailableMinor).toBe(before.instantAvailableMinor);
    expect(after.inTransitMinor).toBe(0);
    expect((await outboxEvents(bed.stack, 'booking', payout.id)).map((e) => e.type)).toEqual(['payout.requested', 'payout.failed']);
    await drain();
  });
});

describe('Stripe’s news, however it arrives', () => {
  it('a payout.paid delivered twice publishes one fact; a lost webhook is repaired by reconciliation', async () => {
    await credit(6_000);
    await bed.world.control('/webhooks/mode', { mode: 'twice' });
    const { requestInstantPayout: twice } = dataOf<{
      requestInstantPayout: PayoutView;
    }>(await request(1_500));
    await bed.world.advance(1800);
    await payoutBecomes(twice.id, 'PAID');
    await bed.world.control('/webhooks/settle', { timeout_ms: 10_000 });
    expect((await outboxEvents(bed.stack, 'booking', twice.id)).map((e) => e.type)).toEqual(['payout.requested', 'payout.paid']);

    await bed.world.control('/webhooks/mode', { mode: 'hold' });
    const { requestInstantPayout: lost } = dataOf<{
      requestInstantPayout: PayoutView;
    }>(await request(1_500));
    await bed.world.advance(1800);
    expect((await payoutOf(lost.id))!.status).toBe('PENDING');
    expect(await bed.bookingModule.payouts.reconcile(0)).toBeGreaterThanOrEqual(1);
    expect((await payoutOf(lost.id))!.status).toBe('PAID');
    // The held webhooks arriving late change nothing.
    await bed.world.control('/webhooks/flush', { order: 'reverse' });
    await bed.world.control('/webhooks/settle', { timeout_ms: 10_000 });
    expect((await payoutOf(lost.id))!.status).toBe('PAID');
    expect((await outboxEvents(bed.stack, 'booking', lost.id)).map((e) => e.type)).toEqual(['payout.requested', 'payout.paid']);
    await drain();
  });
});

describe('a request whose answer was lost', () => {
  it('Stripe made the payout but the process died before recording it: the instructor waits, reconciliation records the one payout', async () => {
    await credit(4_000);
    // Stripe's webhook about the payout would tell the platform by itself: held back, so only reconciliation can.
    await bed.world.control('/webhooks/mode', { mode: 'hold' });
    const atStripe = await stripePayoutCount();
    // What the process had written before calling Stripe, a lease ago, and the call Stripe carried out.
    const id = randomUUID();
    await bookingSql(
      bed.stack,
      `insert into instructor_payout (id, instructor_id, stripe_account_id, method, status, amount_minor, fee_minor, currency, requested_at)
       values ($1, $2, $3, 'INSTANT', 'REQUESTED', 1200, $4, 'USD', now() - interval '5 minutes')`,
      [id, bed.teacher.id, account, feeOf(1_200)],
    );
    await bed.world.stripe.payouts.create(
      {
        amount: 1_200,
        currency: 'usd',
        method: 'instant',
        metadata: { payoutId: id, instructorId: bed.teacher.id },
      },
      { stripeAccount: account, idempotencyKey: `payout-${id}` },
    );
    // One request in flight per instructor: a new one waits until this one is settled.
    expect(errorOf(await request(1_000))).toMatchObject({
      code: 'CONFLICT',
      reason: 'PAYOUT_IN_PROGRESS',
    });

    expect(await bed.bookingModule.payouts.reconcile(60_000)).toBeGreaterThanOrEqual(1);
    expect(await payoutOf(id)).toMatchObject({
      status: 'PENDING',
      amountMinor: 1_200,
    });
    expect(await stripePayoutCount()).toBe(atStripe + 1);
    const [row] = await bookingSql<{ stripe_payout_id: string }>(bed.stack, `select stripe_payout_id from instructor_payout where id = $1`, [id]);
    expect((await bed.world.stripe.payouts.retrieve(row!.stripe_payout_id, {}, { stripeAccount: account })).metadata?.payoutId).toBe(id);
    await bed.world.control('/webhooks/mode', { mode: 'normal' });
    await bed.world.control('/webhooks/flush', {});
    await bed.world.advance(1800);
    await payoutBecomes(id, 'PAID');
    await drain();
  });
});

describe('bad input and refusals: a clear error, nothing written', () => {
  it('refuses a payout over the instant-available balance, and says so in the quote first', async () => {
    await credit(3_000);
    const { instantAvailableMinor, maxInstantPayoutMinor } = await earnings();
    const rows = await payoutRows();
    const atStripe = await stripePayoutCount();

    expect(await quote(maxInstantPayoutMinor)).toMatchObject({
      eligible: true,
      totalMinor: maxInstantPayoutMinor + feeOf(maxInstantPayoutMinor),
    });
    expect(maxInstantPayoutMinor + feeOf(maxInstantPayoutMinor)).toBeLessThanOrEqual(instantAvailableMinor);
    const over = maxInstantPayoutMinor + 1;
    expect(await quote(over)).toMatchObject({
      eligible: false,
      refusal: { code: 'INSUFFICIENT_BALANCE', message: expect.any(String) },
    });
    expect(errorOf(await request(over))).toMatchObject({
      code: 'CONFLICT',
      reason: 'INSUFFICIENT_BALANCE',
    });
    expect(errorOf(await request(instantAvailableMinor))).toMatchObject({
      reason: 'INSUFFICIENT_BALANCE',
    });
    expect(await payoutRows()).toBe(rows);
    expect(await stripePayoutCount()).toBe(atStripe);
  });

  it('refuses zero, negative, fractional-looking and absurd amounts, and malformed keys', async () => {
    const rows = await payoutRows();
    for (const amount of [0, -1, -5_000, 99, 1_000_001, 2_147_483_647]) {
      expect(errorOf(await request(amount))).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'INVALID_PAYOUT_AMOUNT',
      });
      expect(
        errorOf(
          await bed.stack.graphql(QUOTE, {
            token: teacher(),
            variables: { amount },
          }),
        ),
      ).toMatchObject({ reason: 'INVALID_PAYOUT_AMOUNT' });
    }
    // Not an Int at all: refused by GraphQL before any resolver.
    expect(
      errorOf(
        await bed.stack.graphql(REQUEST, {
          token: teacher(),
          variables: { amount: 10.5 },
        }),
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(errorOf(await request(1_000, 'short'))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_IDEMPOTENCY_KEY',
    });
    expect(await payoutRows()).toBe(rows);
  });

  it('answers earnings and payouts only to instructors, and only their own', async () => {
    const student = await studentToken('student-wants-payout');
    expect(errorOf(await bed.stack.graphql(EARNINGS, { token: student }))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'INSTRUCTOR_PROFILE_REQUIRED',
    });
    expect(errorOf(await request(1_000, undefined, student))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'INSTRUCTOR_PROFILE_REQUIRED',
    });
    expect(errorOf(await bed.stack.graphql(MY_PAYOUTS, { token: student, variables: {} }))).toMatchObject({ reason: 'INSTRUCTOR_PROFILE_REQUIRED' });
    expect(errorOf(await bed.stack.graphql(EARNINGS, {}))).toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    expect(errorOf(await bed.stack.graphql(REQUEST, { variables: { amount: 1_000 } }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(
      errorOf(
        await bed.stack.graphql(MY_PAYOUTS, {
          token: teacher(),
          variables: { after: 'not-a-cursor' },
        }),
      ),
    ).toMatchObject({ reason: 'INVALID_CURSOR' });
  });
});

describe('racing requests', () => {
  it('eight requests at once for the whole balance make exactly one payout; the rest are refused', async () => {
    await credit(8_000);
    const { maxInstantPayoutMinor } = await earnings();
    const rows = await payoutRows();
    const atStripe = await stripePayoutCount();
    const results = await Promise.all(Array.from({ length: 8 }, () => request(maxInstantPayoutMinor)));
    const made = results.filter((r) => !r.body.errors);
    expect(made).toHaveLength(1);
    for (const refused of results.filter((r) => r.body.errors)) {
      expect(['PAYOUT_IN_PROGRESS', 'INSUFFICIENT_BALANCE']).toContain(errorOf(refused)?.reason ?? 'none');
    }
    expect(await payoutRows()).toBe(rows + 1);
    expect(await stripePayoutCount()).toBe(atStripe + 1);
    expect((await earnings()).instantAvailableMinor).toBeGreaterThanOrEqual(0);

    // Paging: newest first, one at a time, to the end.
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: {
        edges: { node: PayoutView }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      } = dataOf<{
        myPayouts: {
          edges: { node: PayoutView }[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      }>(
        await bed.stack.graphql(MY_PAYOUTS, {
          token: teacher(),
          variables: { first: 1, after },
        }),
      ).myPayouts;
      seen.push(...page.edges.map((e) => e.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toHaveLength(rows + 1);
    expect(new Set(seen).size).toBe(seen.length);
  });
});
