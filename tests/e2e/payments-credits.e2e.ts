import { bookingSql, dataOf, errorOf } from '@instainstru/test-harness';
import { useMarketplaceTestbed, type BookingView } from '../support/booking';
import { instructorKeeps, ledgerTotals as totalsOf, ledgerViolations, paymentReaches, paymentRowOf, usePaymentsWorker } from '../support/payments';

/**
 * Credits paying for lessons, through the gateway against the Stripe emulator: a booking reserves
 * the credits it applies with its insert (two bookings racing for the last credit: one wins), the
 * card is authorised for the rest and a lesson the credits cover wholly needs no card; the charge
 * spends the credits (first) and captures the card for the rest, and the instructor receives the
 * price less the fee whatever the split (a platform transfer when credits exceed the fee); nothing
 * charged gives the credits back; redelivered capture and cancellation commands change nothing.
 */
const bed = useMarketplaceTestbed({ bookingEnv: { PAYMENT_AUTHORIZATION_LEAD_MINUTES: String(7 * 24 * 60), PAYMENT_ACTION_DEADLINE_MINUTES: '60' } });
const { at, studentToken } = bed;

const PAYMENT = `query($id: ID!) { booking(id: $id) { status payment { status amount { amountMinor } creditsAppliedMinor cardAmountMinor platformFeeMinor authorizedAmountMinor capturedAmountMinor } } }`;
const CREDITS = `{ myCredits { balanceMinor reservedMinor history { kind amountMinor bookingId } } }`;
const GRANT = `mutation($input: GrantCreditsInput!) { grantCredits(input: $input) { id } }`;
const COMPLETE = `mutation($id: ID!) { completeBooking(id: $id) { id paymentStatus } }`;
const CANCEL = `mutation($id: ID!) { cancelBooking(id: $id) { id status paymentStatus } }`;
const QUOTE = `query($id: ID!) { cancellationQuote(bookingId: $id) { chargeMinor creditsChargedMinor creditsReturnedMinor platformFeeMinor instructorShareMinor releasedMinor } }`;

interface PaymentView {
  status: string;
  payment: {
    status: string;
    amount: { amountMinor: number };
    creditsAppliedMinor: number;
    cardAmountMinor: number;
    platformFeeMinor: number;
    authorizedAmountMinor: number | null;
    capturedAmountMinor: number | null;
  };
}

usePaymentsWorker(bed);

const H = 3_600_000;
const admin = () => bed.stack.token({ sub: 'credits-booking-admin', roles: ['admin'] });
const grant = async (studentId: string, amountMinor: number) =>
  dataOf(await bed.stack.graphql(GRANT, { token: await admin(), variables: { input: { studentId, amountMinor, expiresInDays: 30, reason: 'Lesson credits' } } }));
const paymentOf = async (token: string, id: string) => dataOf<{ booking: PaymentView }>(await bed.stack.graphql(PAYMENT, { token, variables: { id } })).booking;
const creditsOf = async (token: string) =>
  dataOf<{ myCredits: { balanceMinor: number; reservedMinor: number; history: { kind: string; amountMinor: number; bookingId: string | null }[] } }>(await bed.stack.graphql(CREDITS, { token })).myCredits;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

const settles = (token: string, id: string, status: string) => paymentReaches(bed.bookingModule, () => paymentOf(token, id), status);

const ledgerHolds = async () => expect(await ledgerViolations(bed.stack)).toEqual({ unbalanced: [], negative: [] });
const ledgerTotals = () => totalsOf(bed.stack);

async function completeAndCapture(token: string, id: string, startsAt: string): Promise<PaymentView> {
  bed.bookingClockOffsetMs = Date.parse(startsAt) + 2 * H - Date.now();
  dataOf(await bed.stack.graphql(COMPLETE, { token: bed.teacher.token, variables: { id } }));
  return settles(token, id, 'CAPTURED');
}

describe('booking with credits', () => {
  it('credits beyond the platform fee: the card is authorised for the rest, and the instructor still receives the price less the fee', async () => {
    const token = await studentToken('credits-book-partial');
    await grant('credits-book-partial', 3000);
    const startsAt = at(2, '09:00');
    const { createBooking } = dataOf<{ createBooking: BookingView }>(await bed.bookDue(token, startsAt, { creditsMinor: 3000 }));
    const price = createBooking.price.amountMinor;
    expect((await paymentOf(token, createBooking.id)).payment).toMatchObject({ status: 'SCHEDULED', amount: { amountMinor: price }, creditsAppliedMinor: 3000, cardAmountMinor: price - 3000 });
    expect(await creditsOf(token)).toMatchObject({ balanceMinor: 0, reservedMinor: 3000 });

    await settles(token, createBooking.id, 'AUTHORIZED');
    const authorization = await bed.world.stripe.paymentIntents.retrieve((await paymentRowOf(bed.stack, createBooking.id)).payment_intent_id!);
    expect(authorization.amount).toBe(price - 3000);

    const captured = await completeAndCapture(token, createBooking.id, startsAt);
    const fee = captured.payment.platformFeeMinor;
    expect(fee).toBeLessThan(3000);
    expect(captured.payment.capturedAmountMinor).toBe(price - 3000);
    const intent = await bed.world.stripe.paymentIntents.retrieve((await paymentRowOf(bed.stack, createBooking.id)).payment_intent_id!);
    expect(intent).toMatchObject({ status: 'succeeded', amount_received: price - 3000, application_fee_amount: 0 });
    const transfer = await bed.world.stripe.transfers.retrieve((await paymentRowOf(bed.stack, createBooking.id)).platform_transfer_id!);
    expect(transfer).toMatchObject({ amount: 3000 - fee, destination: (await paymentRowOf(bed.stack, createBooking.id)).destination_account });
    expect(await instructorKeeps(bed.stack, bed.world, createBooking.id)).toBe(price - fee);
    const credits = await creditsOf(token);
    expect(credits).toMatchObject({ balanceMinor: 0, reservedMinor: 0 });
    expect(credits.history.map((h) => h.kind)).toEqual(['SPEND', 'RESERVE', 'GRANT']);
    await ledgerHolds();
  });

  it('credits below the fee lower the card charge and its application fee; no platform transfer', async () => {
    const token = await studentToken('credits-book-small');
    await grant('credits-book-small', 400);
    const startsAt = at(2, '11:00');
    const { createBooking } = dataOf<{ createBooking: BookingView }>(await bed.bookDue(token, startsAt, { creditsMinor: 400 }));
    const price = createBooking.price.amountMinor;
    await settles(token, createBooking.id, 'AUTHORIZED');
    const captured = await completeAndCapture(token, createBooking.id, startsAt);
    const fee = captured.payment.platformFeeMinor;
    const intent = await bed.world.stripe.paymentIntents.retrieve((await paymentRowOf(bed.stack, createBooking.id)).payment_intent_id!);
    expect(intent).toMatchObject({ amount_received: price - 400, application_fee_amount: fee - 400 });
    expect((await paymentRowOf(bed.stack, createBooking.id)).platform_transfer_id).toBeNull();
    expect(await instructorKeeps(bed.stack, bed.world, createBooking.id)).toBe(price - fee);
  });

  it('a lesson the credits cover wholly needs no card and no authorisation; cancelled in time, every credit comes back', async () => {
    const token = await studentToken('credits-book-whole');
    await grant('credits-book-whole', 20_000);
    const startsAt = at(3, '09:00');
    const tooMuch = errorOf(await bed.book(token, startsAt, { paymentMethodId: null, creditsMinor: 19_999 }));
    expect(tooMuch).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_CREDIT_AMOUNT' });
    const price = (tooMuch!.details as { priceMinor: number }).priceMinor;

    bed.bookingClockOffsetMs = Date.parse(startsAt) - 8 * 24 * H - Date.now();
    const booking = dataOf<{ createBooking: BookingView }>(await bed.book(token, startsAt, { paymentMethodId: null, creditsMinor: price })).createBooking;
    expect(booking.status).toBe('CONFIRMED');
    expect((await paymentOf(token, booking.id)).payment).toMatchObject({ status: 'AUTHORIZED', creditsAppliedMinor: price, cardAmountMinor: 0, authorizedAmountMinor: 0 });
    expect(await creditsOf(token)).toMatchObject({ balanceMinor: 20_000 - price, reservedMinor: price });
    // The scheduler has nothing to authorise, and Stripe never hears of it.
    await bed.bookingModule.payments.sendDue();
    expect((await paymentRowOf(bed.stack, booking.id)).payment_intent_id).toBeNull();

    expect(dataOf<{ cancellationQuote: Record<string, number> }>(await bed.stack.graphql(QUOTE, { token, variables: { id: booking.id } })).cancellationQuote).toMatchObject({
      chargeMinor: 0,
      creditsChargedMinor: 0,
      creditsReturnedMinor: price,
      releasedMinor: 0,
    });
    dataOf(await bed.stack.graphql(CANCEL, { token, variables: { id: booking.id } }));
    await settles(token, booking.id, 'VOIDED');
    expect(await creditsOf(token)).toMatchObject({ balanceMinor: 20_000, reservedMinor: 0 });
    await ledgerHolds();
  });

  it('a late cancellation of a lesson paid by credits charges the policy share from them, pays the instructor their part by transfer, and gives back the rest', async () => {
    const token = await studentToken('credits-book-late');
    await grant('credits-book-late', 20_000);
    const startsAt = at(3, '13:00');
    const price = (errorOf(await bed.book(token, startsAt, { paymentMethodId: null, creditsMinor: 19_999 }))!.details as { priceMinor: number }).priceMinor;
    bed.bookingClockOffsetMs = Date.parse(startsAt) - 8 * 24 * H - Date.now();
    const booking = dataOf<{ createBooking: BookingView }>(await bed.book(token, startsAt, { paymentMethodId: null, creditsMinor: price })).createBooking;
    const fee = (await paymentOf(token, booking.id)).payment.platformFeeMinor;

    bed.bookingClockOffsetMs = Date.parse(startsAt) - 18 * H - Date.now();
    const half = Math.floor((price * 5000 + 5000) / 10_000);
    const halfFee = Math.floor((fee * half * 2 + price) / (2 * price));
    const quote = dataOf<{ cancellationQuote: Record<string, number> }>(await bed.stack.graphql(QUOTE, { token, variables: { id: booking.id } })).cancellationQuote;
    expect(quote).toEqual({ chargeMinor: half, creditsChargedMinor: half, creditsReturnedMinor: price - half, platformFeeMinor: halfFee, instructorShareMinor: half - halfFee, releasedMinor: 0 });

    dataOf(await bed.stack.graphql(CANCEL, { token, variables: { id: booking.id } }));
    const captured = await settles(token, booking.id, 'CAPTURED');
    expect(captured.payment.capturedAmountMinor).toBe(0);
    expect(await instructorKeeps(bed.stack, bed.world, booking.id)).toBe(half - halfFee);
    expect(await creditsOf(token)).toMatchObject({ balanceMinor: 20_000 - half, reservedMinor: 0 });

    // Redelivered capture and void commands change nothing: not Stripe, not the ledger.
    const totals = await ledgerTotals();
    const transfers = (await bed.world.stripe.transfers.list({ transfer_group: `booking-${booking.id}` })).data.length;
    await bed.bookingModule.payments.capture(booking.id);
    await bed.bookingModule.payments.capture(booking.id);
    await bed.bookingModule.payments.void(booking.id);
    expect(await ledgerTotals()).toEqual(totals);
    expect((await bed.world.stripe.transfers.list({ transfer_group: `booking-${booking.id}` })).data.length).toBe(transfers);
    await ledgerHolds();
  });

  it('two bookings racing to spend the last credits: one is booked, the other refused with its slot freed; the balance never goes below zero', async () => {
    const token = await studentToken('credits-book-race');
    await grant('credits-book-race', 1000);
    const starts = [at(4, '09:00'), at(4, '11:00'), at(4, '13:00'), at(4, '15:00')];
    bed.bookingClockOffsetMs = Date.parse(starts[0]!) - 8 * 24 * H - Date.now();
    const results = await Promise.all(starts.map((startsAt) => bed.book(token, startsAt, { creditsMinor: 1000 })));
    const booked = results.filter((r) => !r.body.errors);
    const refused = results.filter((r) => r.body.errors).map(errorOf);
    expect(booked).toHaveLength(1);
    expect(refused).toEqual(Array(3).fill(expect.objectContaining({ code: 'CONFLICT', reason: 'INSUFFICIENT_CREDITS' })));
    expect(await creditsOf(token)).toMatchObject({ balanceMinor: 0, reservedMinor: 1000 });
    const bookings = await bookingSql(bed.stack, `select id from booking where student_user_id = 'credits-book-race'`);
    expect(bookings).toHaveLength(1);
    // The refused bookings' slots are free again: another student books one at once.
    const other = await studentToken('credits-book-race-other');
    const freed = starts.find((_, i) => results[i]!.body.errors)!;
    expect(dataOf<{ createBooking: BookingView }>(await bed.book(other, freed)).createBooking.status).toBe('CONFIRMED');
    await ledgerHolds();
  });

  it('refuses bad credit amounts and missing cards with clear codes, holding and writing nothing', async () => {
    const token = await studentToken('credits-book-refusals');
    await grant('credits-book-refusals', 500);
    const startsAt = at(5, '09:00');
    bed.bookingClockOffsetMs = Date.parse(startsAt) - 8 * 24 * H - Date.now();
    expect(errorOf(await bed.book(token, startsAt, { creditsMinor: -1 }))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_CREDIT_AMOUNT' });
    expect(errorOf(await bed.book(token, startsAt, { creditsMinor: 501 }))).toMatchObject({ code: 'CONFLICT', reason: 'INSUFFICIENT_CREDITS', details: { creditsMinor: 501, balanceMinor: 500 } });
    expect(errorOf(await bed.book(token, startsAt, { creditsMinor: 500, paymentMethodId: null }))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PAYMENT_REQUIRED' });
    expect(await bookingSql(bed.stack, `select id from booking where student_user_id = 'credits-book-refusals'`)).toEqual([]);
    expect(await bed.overlappingActiveHolds()).toBe(0);
    expect(await creditsOf(token)).toMatchObject({ balanceMinor: 500, reservedMinor: 0 });
    // With credits it still books, for the card's part.
    const booking = dataOf<{ createBooking: BookingView }>(await bed.book(token, startsAt, { creditsMinor: 500 })).createBooking;
    expect((await paymentOf(token, booking.id)).payment).toMatchObject({ creditsAppliedMinor: 500, cardAmountMinor: booking.price.amountMinor - 500 });
    expect(sum((await creditsOf(token)).history.map((h) => h.amountMinor))).toBe(0);
  });

  it('a lesson sooner than the lead time with credits: authorised while booking for the card part; declined, the credits come straight back', async () => {
    const token = await studentToken('credits-book-on-session');
    await grant('credits-book-on-session', 1500);
    const startsAt = at(6, '09:00');
    // Two days before: within the lead time, so the card is authorised while the student books.
    bed.bookingClockOffsetMs = Date.parse(startsAt) - 2 * 24 * H - Date.now();
    const declined = errorOf(await bed.book(token, startsAt, { creditsMinor: 1000, paymentMethodId: await bed.cards.cardOf(token, 'pm_card_chargeDeclined') }));
    expect(declined).toMatchObject({ code: 'PAYMENT_REQUIRED', reason: 'PAYMENT_DECLINED' });
    expect(await creditsOf(token)).toMatchObject({ balanceMinor: 1500, reservedMinor: 0 });
    expect(await bookingSql(bed.stack, `select id from booking where student_user_id = 'credits-book-on-session'`)).toEqual([]);

    const booking = dataOf<{ createBooking: BookingView }>(await bed.book(token, startsAt, { creditsMinor: 1000 })).createBooking;
    expect(booking.status).toBe('CONFIRMED');
    const payment = (await paymentOf(token, booking.id)).payment;
    expect(payment).toMatchObject({ status: 'AUTHORIZED', creditsAppliedMinor: 1000, authorizedAmountMinor: booking.price.amountMinor - 1000 });
    expect(await creditsOf(token)).toMatchObject({ balanceMinor: 500, reservedMinor: 1000 });
  });

  it('a credit transfer Stripe refuses (the platform balance short) leaves the charge in progress, and it goes through once the balance is topped up', async () => {
    const token = await studentToken('credits-book-short');
    await grant('credits-book-short', 20_000);
    const startsAt = at(6, '13:00');
    const price = (errorOf(await bed.book(token, startsAt, { paymentMethodId: null, creditsMinor: 19_999 }))!.details as { priceMinor: number }).priceMinor;
    bed.bookingClockOffsetMs = Date.parse(startsAt) - 8 * 24 * H - Date.now();
    const booking = dataOf<{ createBooking: BookingView }>(await bed.book(token, startsAt, { paymentMethodId: null, creditsMinor: price })).createBooking;

    // The platform's whole available balance moves elsewhere.
    const available = (await bed.world.stripe.balance.retrieve()).available.find((b) => b.currency === 'usd')?.amount ?? 0;
    if (available > 0) await bed.world.stripe.transfers.create({ amount: available, currency: 'usd', destination: await bed.world.payableAccount() });

    bed.bookingClockOffsetMs = Date.parse(startsAt) + 2 * H - Date.now();
    dataOf(await bed.stack.graphql(COMPLETE, { token: bed.teacher.token, variables: { id: booking.id } }));
    await bed.bookingModule.payments.capture(booking.id);
    expect((await paymentOf(token, booking.id)).payment.status).toBe('CAPTURING');
    expect((await paymentRowOf(bed.stack, booking.id)).platform_transfer_id).toBeNull();
    expect(await creditsOf(token)).toMatchObject({ reservedMinor: price });

    // Topped up, the next try after the lease goes through: the instructor is paid their share, the credits spent.
    await bed.world.control('/balance/credit', { amount: 1_000_000, status: 'available' });
    bed.bookingClockOffsetMs += 10 * 60_000;
    const captured = await settles(token, booking.id, 'CAPTURED');
    expect(await instructorKeeps(bed.stack, bed.world, booking.id)).toBe(price - captured.payment.platformFeeMinor);
    expect((await bed.world.stripe.transfers.list({ transfer_group: `booking-${booking.id}` })).data).toHaveLength(1);
    expect(await creditsOf(token)).toMatchObject({ balanceMinor: 20_000 - price, reservedMinor: 0 });
  });
});
