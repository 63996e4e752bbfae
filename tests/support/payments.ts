/**
 * Payments for the booking testbeds: each test file books against a Stripe world of its own on the
 * project's emulator (a secret key of its own), with instructors whose Connect accounts are ready,
 * and students who saved a card through the API (startPaymentMethodSetup, then confirming the
 * SetupIntent as Stripe.js would).
 */
import { bookingSql, eventually, startWorkers, type EmulatorWorld, type RunningWorkers, type GraphQLRequestOptions, type GraphQLResult, type TestStack } from '@instainstru/test-harness';
import { loadBookingConfig, type BookingConfig, type BookingModule } from '../../services/booking/src/module';

export const START_PAYMENT_METHOD_SETUP = `mutation { startPaymentMethodSetup { setupIntentId clientSecret } }`;

/** Booking's configuration against `world`, with `overrides`. */
export function bookingConfigFor(world: EmulatorWorld, overrides: Partial<BookingConfig> = {}, env: Record<string, string> = {}): BookingConfig {
  return { ...loadBookingConfig({ ...process.env, STRIPE_API_BASE: world.url, STRIPE_SECRET_KEY: world.key, ...env }), ...overrides };
}

/** Gives instructors a Connect account, onboarded in `world`, as booking's read model knows it. */
export async function payableInstructors(world: EmulatorWorld, booking: BookingModule, instructorIds: string[]): Promise<Map<string, string>> {
  const accounts = new Map<string, string>();
  for (const instructorId of instructorIds) {
    const stripeAccountId = await world.payableAccount();
    await booking.applyPayoutAccount({
      instructorId,
      stripeAccountId,
      chargesEnabled: true,
      payoutsEnabled: true,
      detailsSubmitted: true,
      revision: 1_000_000,
      occurredAt: new Date().toISOString(),
    });
    accounts.set(instructorId, stripeAccountId);
  }
  return accounts;
}

export interface SavedCards {
  /** The card the student with this token saved (saved once, on first use); `card` is a test token such as pm_card_visa. */
  cardOf(token: string, card?: string): Promise<string>;
}

/** Saves cards through the API as a student's app does. */
export function savedCards(stack: Pick<TestStack, 'graphql'>, world: EmulatorWorld): SavedCards {
  const cards = new Map<string, Promise<string>>();
  return {
    cardOf(token, card = 'pm_card_visa') {
      const key = `${token}|${card}`;
      let saved = cards.get(key);
      if (!saved) {
        saved = (async () => {
          const result = await stack.graphql(START_PAYMENT_METHOD_SETUP, { token });
          const setup = (result.body.data as { startPaymentMethodSetup?: { setupIntentId: string } } | null)?.startPaymentMethodSetup;
          if (!setup) throw new Error(`startPaymentMethodSetup failed: ${JSON.stringify(result.body.errors)}`);
          return world.confirmSetup(setup.setupIntentId, card);
        })();
        cards.set(key, saved);
      }
      return saved;
    },
  };
}

/**
 * The stack's graphql, where a createBooking without a `paymentMethodId` in its input pays with the
 * signed-in student's saved card (saved on first use): the testbeds' bookings are paid as the app
 * pays them. A test of PAYMENT_REQUIRED passes `paymentMethodId: null` explicitly.
 */
export function payingGraphql(stack: TestStack, cards: SavedCards): (query: string, options?: GraphQLRequestOptions) => Promise<GraphQLResult> {
  const graphql = stack.graphql.bind(stack);
  return async (query, options = {}) => {
    const input = (options.variables as { input?: Record<string, unknown> } | undefined)?.input;
    if (options.token && input && query.includes('createBooking(') && !('paymentMethodId' in input)) {
      // A caller who cannot save a card (not a student) books without one and gets the create's own refusal.
      const paymentMethodId = await cards.cardOf(options.token).catch(() => null);
      if (paymentMethodId) return graphql(query, { ...options, variables: { ...options.variables, input: { ...input, paymentMethodId } } });
    }
    return graphql(query, options);
  };
}

/**
 * The credits ledger's invariants over every posting (a check over the whole ledger): each
 * transaction sums to zero, and no student or reservation account is below zero in any lot.
 */
export async function ledgerViolations(stack: TestStack): Promise<{ unbalanced: unknown[]; negative: unknown[] }> {
  const unbalanced = await bookingSql(stack, `select transaction_id from credit_posting group by transaction_id having sum(amount_minor) <> 0`);
  const negative = await bookingSql(stack, `select account, lot_id from credit_posting where account !~ '^platform:' group by account, lot_id having sum(amount_minor) < 0`);
  return { unbalanced, negative };
}

/** Every ledger account's balance (to show a replay changed nothing). */
export async function ledgerTotals(stack: TestStack): Promise<Record<string, number>> {
  const rows = await bookingSql<{ account: string; total: string }>(stack, `select account, sum(amount_minor) as total from credit_posting group by account order by account`);
  return Object.fromEntries(rows.map((r) => [r.account, Number(r.total)]));
}

/**
 * Runs booking's payment scheduler until what `read` answers has reached `status` (at
 * `.payment.status`), and answers it; the last answer is in the error when it never does.
 */
export async function paymentReaches<View extends { payment: { status: string } }>(booking: Pick<BookingModule, 'payments'>, read: () => Promise<View>, status: string, timeoutMs = 30_000): Promise<View> {
  let last: View | undefined;
  try {
    await eventually(async () => (await booking.payments.sendDue(), (last = await read()).payment.status === status), timeoutMs, `payment ${status}`);
  } catch (error) {
    throw new Error(`${(error as Error).message} (last: ${JSON.stringify(last?.payment)})`);
  }
  return last!;
}

/**
 * Registers hooks that run booking's payments worker for the whole file, with the platform's own
 * Stripe balance funded first (it pays instructors what credits paid beyond the platform fee).
 */
export function usePaymentsWorker(bed: { readonly bookingModule: BookingModule; readonly world: EmulatorWorld }): void {
  let workers: RunningWorkers | undefined;
  beforeAll(async () => {
    workers = await startWorkers([bed.bookingModule.paymentCommandsWorker()]);
    await bed.world.control('/balance/credit', { amount: 1_000_000, status: 'available' });
  });
  afterAll(async () => {
    await workers?.stop();
  });
}

/** A booking's payment row: its PaymentIntent, the instructor's Connect account, the platform's credit transfer. */
export async function paymentRowOf(stack: TestStack, bookingId: string): Promise<{ payment_intent_id: string | null; destination_account: string; platform_transfer_id: string | null }> {
  const [row] = await bookingSql<{ payment_intent_id: string | null; destination_account: string; platform_transfer_id: string | null }>(
    stack,
    `select payment_intent_id, destination_account, platform_transfer_id from booking_payment where booking_id = $1`,
    [bookingId],
  );
  return row!;
}

/** What the instructor keeps of a booking now, at Stripe: the charge's transfer less its reversals, plus the platform's credit transfer less its reversals. */
export async function instructorKeeps(stack: TestStack, world: EmulatorWorld, bookingId: string): Promise<number> {
  const row = await paymentRowOf(stack, bookingId);
  let kept = 0;
  if (row.payment_intent_id) {
    const intent = await world.stripe.paymentIntents.retrieve(row.payment_intent_id, { expand: ['latest_charge'] });
    const charge = intent.latest_charge as { transfer: string | null } | null;
    if (charge?.transfer) {
      const transfer = await world.stripe.transfers.retrieve(charge.transfer);
      kept += transfer.amount - transfer.amount_reversed;
    }
  }
  if (row.platform_transfer_id) {
    const transfer = await world.stripe.transfers.retrieve(row.platform_transfer_id);
    kept += transfer.amount - transfer.amount_reversed;
  }
  return kept;
}
