import { bookingSql, dataOf, errorOf, outboxEvents } from '@instainstru/test-harness';
import { useMarketplaceTestbed, type BookingView } from '../support/booking';
import { instructorKeeps, ledgerTotals, ledgerViolations, paymentReaches, paymentRowOf, usePaymentsWorker } from '../support/payments';

/**
 * Money going back, through the gateway against the Stripe emulator: admins refund a charged
 * lesson in parts (the card's part with the instructor's transfer reversed and the fee refunded in
 * proportion; what credits paid returned as credits, the platform's own transfer reversed), an
 * instructor no-show recorded after the charge is refunded in full with the goodwill credit, and
 * a student cancelling late may take what goes back to their card as credits instead (110 %).
 * Redelivered refund commands refund nothing twice.
 */
const bed = useMarketplaceTestbed({ bookingEnv: { PAYMENT_AUTHORIZATION_LEAD_MINUTES: String(7 * 24 * 60), PAYMENT_ACTION_DEADLINE_MINUTES: '60' } });
const { at, studentToken } = bed;

const PAYMENT = `query($id: ID!) { booking(id: $id) { status payment { status amount { amountMinor } platformFeeMinor capturedAmountMinor refundedMinor refundedCreditsMinor creditInsteadMinor refunds { status cardMinor creditsMinor reason failure { code } } } } }`;
const REFUND = `mutation($input: RefundBookingInput!) { refundBooking(input: $input) { id payment { status } } }`;
const COMPLETE = `mutation($id: ID!) { completeBooking(id: $id) { id } }`;
const CANCEL = `mutation($id: ID!, $to: RefundDestination) { cancelBooking(id: $id, refundTo: $to) { id status paymentStatus } }`;
const NO_SHOW = `mutation($id: ID!, $reason: String!) { markInstructorNoShow(id: $id, reason: $reason) { id status paymentStatus cancellation { cancelledBy reason } } }`;
const QUOTE = `query($id: ID!) { cancellationQuote(bookingId: $id) { chargeMinor releasedMinor creditInsteadMinor } }`;
const CREDITS = `{ myCredits { balanceMinor lots { source grantedMinor } } }`;

interface PaymentView {
  status: string;
  payment: {
    status: string;
    amount: { amountMinor: number };
    platformFeeMinor: number;
    capturedAmountMinor: number | null;
    refundedMinor: number;
    refundedCreditsMinor: number;
    creditInsteadMinor: number;
    refunds: { status: string; cardMinor: number; creditsMinor: number; reason: string; failure: { code: string } | null }[];
  };
}

usePaymentsWorker(bed);

const H = 3_600_000;
const admin = () => bed.stack.token({ sub: 'refunds-admin', roles: ['admin'] });
const paymentOf = async (token: string, id: string) => dataOf<{ booking: PaymentView }>(await bed.stack.graphql(PAYMENT, { token, variables: { id } })).booking;
const refund = async (bookingId: string, amountMinor: number | null, reason = 'The lesson was cut short') =>
  bed.stack.graphql(REFUND, { token: await admin(), variables: { input: { bookingId, amountMinor, reason } } });

const settles = (token: string, id: string, status: string) => paymentReaches(bed.bookingModule, () => paymentOf(token, id), status);

/** Books 8 days ahead (credits optional), authorises, completes and captures the lesson. */
async function chargedLesson(token: string, startsAt: string, overrides: Record<string, unknown> = {}): Promise<BookingView> {
  const { createBooking } = dataOf<{ createBooking: BookingView }>(await bed.bookDue(token, startsAt, overrides));
  await settles(token, createBooking.id, 'AUTHORIZED');
  bed.bookingClockOffsetMs = Date.parse(startsAt) + 2 * H - Date.now();
  dataOf(await bed.stack.graphql(COMPLETE, { token: bed.teacher.token, variables: { id: createBooking.id } }));
  await settles(token, createBooking.id, 'CAPTURED');
  return createBooking;
}

describe('refunds of charged lessons', () => {
  it('an admin refunds in parts: the card gets it back, the instructor and the platform give back their shares in proportion; then nothing is left', async () => {
    const token = await studentToken('refund-student-1');
    const booking = await chargedLesson(token, at(2, '09:00'));
    const price = booking.price.amountMinor;
    const fee = (await paymentOf(token, booking.id)).payment.platformFeeMinor;
    expect(await instructorKeeps(bed.stack, bed.world, booking.id)).toBe(price - fee);

    expect(dataOf<{ refundBooking: { payment: { status: string } } }>(await refund(booking.id, 2000)).refundBooking.payment.status).toBe('REFUNDING');
    const partial = await settles(token, booking.id, 'PARTIALLY_REFUNDED');
    expect(partial.payment).toMatchObject({ refundedMinor: 2000, refundedCreditsMinor: 0, refunds: [{ status: 'SUCCEEDED', cardMinor: 2000, creditsMinor: 0, reason: 'The lesson was cut short', failure: null }] });
    const stripeRefunds = await bed.world.stripe.refunds.list({ payment_intent: (await paymentRowOf(bed.stack, booking.id)).payment_intent_id! });
    expect(stripeRefunds.data.map((r) => r.amount)).toEqual([2000]);
    // The instructor gave back their share of the 2000, the platform its fee share.
    expect(await instructorKeeps(bed.stack, bed.world, booking.id)).toBe(price - fee - Math.round(((price - fee) * 2000) / price));

    // More than is left is refused and changes nothing; the rest (no amount) empties it.
    expect(errorOf(await refund(booking.id, price - 2000 + 1))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_REFUND_AMOUNT', details: { refundableMinor: price - 2000 } });
    dataOf(await refund(booking.id, null));
    const whole = await settles(token, booking.id, 'REFUNDED');
    expect(whole.payment.refundedMinor).toBe(price);
    expect(await instructorKeeps(bed.stack, bed.world, booking.id)).toBe(0);
    expect(errorOf(await refund(booking.id, 1))).toMatchObject({ code: 'CONFLICT', reason: 'NOT_REFUNDABLE' });
    const types = (await outboxEvents(bed.stack, 'booking', booking.id)).map((e) => e.type);
    expect(types.filter((t) => t === 'payment.refunded')).toHaveLength(2);

    // A redelivered refund command refunds nothing twice.
    await bed.bookingModule.payments.refundDue(booking.id);
    expect((await bed.world.stripe.refunds.list({ payment_intent: (await paymentRowOf(bed.stack, booking.id)).payment_intent_id! })).data).toHaveLength(2);
  });

  it('admins racing to refund the same lesson: a refund in flight refuses the others; each accepted refund is made once, none lost', async () => {
    const token = await studentToken('refund-student-race');
    const booking = await chargedLesson(token, at(3, '13:00'));
    const results = await Promise.all(Array.from({ length: 5 }, () => refund(booking.id, 1000, 'Duplicate complaint')));
    const accepted = results.filter((r) => !r.body.errors).length;
    // A refund settled before a late request reaches the payment lets that one through: one or more are accepted, the rest refused.
    expect(accepted).toBeGreaterThanOrEqual(1);
    expect(results.filter((r) => r.body.errors).map(errorOf)).toEqual(Array(5 - accepted).fill(expect.objectContaining({ code: 'CONFLICT', reason: 'REFUND_IN_PROGRESS' })));
    const settled = await settles(token, booking.id, 'PARTIALLY_REFUNDED');
    expect(settled.payment.refundedMinor).toBe(1000 * accepted);
    expect(settled.payment.refunds.map((r) => [r.status, r.cardMinor])).toEqual(Array(accepted).fill(['SUCCEEDED', 1000]));
    expect((await bed.world.stripe.refunds.list({ payment_intent: (await paymentRowOf(bed.stack, booking.id)).payment_intent_id! })).data).toHaveLength(accepted);
  });

  it('refuses non-admins, bookings with nothing charged, bad amounts and missing reasons, writing nothing', async () => {
    const token = await studentToken('refund-student-2');
    const { createBooking } = dataOf<{ createBooking: BookingView }>(await bed.bookDue(token, at(2, '13:00')));
    const input = { bookingId: createBooking.id, amountMinor: 100, reason: 'Please' };
    expect(errorOf(await bed.stack.graphql(REFUND, { token, variables: { input } }))).toMatchObject({ code: 'FORBIDDEN', reason: 'ADMIN_ONLY' });
    expect(errorOf(await refund(createBooking.id, 100))).toMatchObject({ code: 'CONFLICT', reason: 'NOT_REFUNDABLE' });
    expect(errorOf(await refund(createBooking.id, 100, '  '))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'REASON_REQUIRED' });
    expect(errorOf(await refund('00000000-0000-4000-8000-000000000000', 100))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await bookingSql(bed.stack, `select id from booking_refund where booking_id = $1`, [createBooking.id])).toEqual([]);
  });

  it('a lesson paid partly by credits, refunded in full: the card part back to the card, the credits back as credits, both transfers reversed', async () => {
    const token = await studentToken('refund-student-3');
    dataOf(
      await bed.stack.graphql(`mutation($input: GrantCreditsInput!) { grantCredits(input: $input) { id } }`, {
        token: await admin(),
        variables: { input: { studentId: 'refund-student-3', amountMinor: 3000, expiresInDays: 30, reason: 'Welcome' } },
      }),
    );
    const booking = await chargedLesson(token, at(3, '09:00'), { creditsMinor: 3000 });
    const price = booking.price.amountMinor;
    expect((await paymentRowOf(bed.stack, booking.id)).platform_transfer_id).not.toBeNull();
    dataOf(await refund(booking.id, null, 'Refund in full'));
    const refunded = await settles(token, booking.id, 'REFUNDED');
    expect(refunded.payment).toMatchObject({ refundedMinor: price - 3000, refundedCreditsMinor: 3000, refunds: [{ cardMinor: price - 3000, creditsMinor: 3000 }] });
    expect(await instructorKeeps(bed.stack, bed.world, booking.id)).toBe(0);
    const credits = dataOf<{ myCredits: { balanceMinor: number; lots: { source: string; grantedMinor: number }[] } }>(await bed.stack.graphql(CREDITS, { token })).myCredits;
    expect(credits).toEqual({ balanceMinor: 3000, lots: [{ source: 'REFUND', grantedMinor: 3000 }] });
    // Settled again (a redelivered command), nothing moves.
    const totals = await ledgerTotals(bed.stack);
    await bed.bookingModule.payments.refundDue(booking.id);
    expect(await ledgerTotals(bed.stack)).toEqual(totals);
    expect(await ledgerViolations(bed.stack)).toEqual({ unbalanced: [], negative: [] });
  });
});

describe('an instructor who did not show up', () => {
  it('recorded by an admin after the charge: refunded in full and a goodwill credit; students cannot record it', async () => {
    const token = await studentToken('noshow-student-1');
    const startsAt = at(4, '09:00');
    const booking = await chargedLesson(token, startsAt);
    const price = booking.price.amountMinor;
    expect(errorOf(await bed.stack.graphql(NO_SHOW, { token, variables: { id: booking.id, reason: 'Nobody came' } }))).toMatchObject({ code: 'FORBIDDEN', reason: 'ADMIN_ONLY' });
    const marked = dataOf<{ markInstructorNoShow: { status: string; paymentStatus: string; cancellation: { cancelledBy: string; reason: string } } }>(
      await bed.stack.graphql(NO_SHOW, { token: await admin(), variables: { id: booking.id, reason: 'The student waited 30 minutes' } }),
    ).markInstructorNoShow;
    expect(marked).toMatchObject({ status: 'CANCELLED', paymentStatus: 'REFUNDING', cancellation: { cancelledBy: 'INSTRUCTOR', reason: 'Instructor did not show up: The student waited 30 minutes' } });
    const refunded = await settles(token, booking.id, 'REFUNDED');
    expect(refunded.payment.refundedMinor).toBe(price);
    const credits = dataOf<{ myCredits: { balanceMinor: number; lots: { source: string }[] } }>(await bed.stack.graphql(CREDITS, { token })).myCredits;
    expect(credits).toMatchObject({ balanceMinor: Math.floor((price * 1000 + 5000) / 10_000), lots: [{ source: 'GOODWILL' }] });
  });

  it('recorded after the instructor marked the student absent: the no-show charge is refunded in full, with the goodwill credit', async () => {
    const token = await studentToken('noshow-student-3');
    const startsAt = at(4, '16:00');
    const { createBooking } = dataOf<{ createBooking: BookingView }>(await bed.bookDue(token, startsAt));
    await settles(token, createBooking.id, 'AUTHORIZED');
    bed.bookingClockOffsetMs = Date.parse(startsAt) - Date.now() + 20 * 60_000;
    dataOf(await bed.stack.graphql(`mutation($id: ID!) { markNoShow(id: $id) { id } }`, { token: bed.teacher.token, variables: { id: createBooking.id } }));
    await settles(token, createBooking.id, 'CAPTURED');
    const marked = dataOf<{ markInstructorNoShow: { status: string; cancellation: { cancelledBy: string } } }>(
      await bed.stack.graphql(NO_SHOW, { token: await admin(), variables: { id: createBooking.id, reason: 'The instructor never joined the call' } }),
    ).markInstructorNoShow;
    expect(marked).toMatchObject({ status: 'CANCELLED', cancellation: { cancelledBy: 'INSTRUCTOR' } });
    expect((await settles(token, createBooking.id, 'REFUNDED')).payment.refundedMinor).toBe(createBooking.price.amountMinor);
    expect(await instructorKeeps(bed.stack, bed.world, createBooking.id)).toBe(0);
    expect(dataOf<{ myCredits: { lots: { source: string; grantedMinor: number }[] } }>(await bed.stack.graphql(CREDITS, { token })).myCredits.lots).toEqual([
      { source: 'GOODWILL', grantedMinor: Math.floor((createBooking.price.amountMinor * 1000 + 5000) / 10_000) },
    ]);
  });

  it('recorded while the card is only authorised: voided, with the goodwill credit', async () => {
    const token = await studentToken('noshow-student-2');
    const startsAt = at(4, '13:00');
    const { createBooking } = dataOf<{ createBooking: BookingView }>(await bed.bookDue(token, startsAt));
    await settles(token, createBooking.id, 'AUTHORIZED');
    bed.bookingClockOffsetMs = Date.parse(startsAt) - Date.now() - H;
    expect(errorOf(await bed.stack.graphql(NO_SHOW, { token: await admin(), variables: { id: createBooking.id, reason: 'Too early' } }))).toMatchObject({ code: 'CONFLICT', reason: 'LESSON_NOT_STARTED' });
    bed.bookingClockOffsetMs = Date.parse(startsAt) - Date.now() + 10 * 60_000;
    dataOf(await bed.stack.graphql(NO_SHOW, { token: await admin(), variables: { id: createBooking.id, reason: 'Nobody came' } }));
    await settles(token, createBooking.id, 'VOIDED');
    expect(dataOf<{ myCredits: { balanceMinor: number } }>(await bed.stack.graphql(CREDITS, { token })).myCredits.balanceMinor).toBeGreaterThan(0);
  });
});

describe('credits instead of a refund', () => {
  it('a student cancelling late takes what would go back to the card as 110 % credits; the instructor still gets only their share', async () => {
    const token = await studentToken('instead-student-1');
    const startsAt = at(5, '09:00');
    const { createBooking } = dataOf<{ createBooking: BookingView }>(await bed.bookDue(token, startsAt));
    await settles(token, createBooking.id, 'AUTHORIZED');
    const price = createBooking.price.amountMinor;
    const fee = (await paymentOf(token, createBooking.id)).payment.platformFeeMinor;
    bed.bookingClockOffsetMs = Date.parse(startsAt) - Date.now() - 18 * H;
    const half = Math.floor((price * 5000 + 5000) / 10_000);
    const released = price - half;
    const instead = Math.floor((released * 11_000 + 5000) / 10_000);
    expect(dataOf<{ cancellationQuote: unknown }>(await bed.stack.graphql(QUOTE, { token, variables: { id: createBooking.id } })).cancellationQuote).toEqual({
      chargeMinor: half,
      releasedMinor: released,
      creditInsteadMinor: instead,
    });
    // The instructor cancelling is not offered it.
    expect(dataOf<{ cancellationQuote: { creditInsteadMinor: number | null } }>(await bed.stack.graphql(QUOTE, { token: bed.teacher.token, variables: { id: createBooking.id } })).cancellationQuote.creditInsteadMinor).toBeNull();

    dataOf(await bed.stack.graphql(CANCEL, { token, variables: { id: createBooking.id, to: 'CREDITS' } }));
    const captured = await settles(token, createBooking.id, 'CAPTURED');
    expect(captured.payment).toMatchObject({ capturedAmountMinor: price, creditInsteadMinor: released });
    const halfFee = Math.floor((fee * half * 2 + price) / (2 * price));
    expect(await instructorKeeps(bed.stack, bed.world, createBooking.id)).toBe(half - halfFee);
    const credits = dataOf<{ myCredits: { balanceMinor: number; lots: { source: string; grantedMinor: number }[] } }>(await bed.stack.graphql(CREDITS, { token })).myCredits;
    expect(credits).toEqual({ balanceMinor: instead, lots: [{ source: 'REFUND', grantedMinor: instead }] });
    // What was kept for the credits is not refundable again to the card.
    expect(errorOf(await refund(createBooking.id, half + 1))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_REFUND_AMOUNT', details: { refundableMinor: half } });
  });

  it('is refused where nothing goes back to the card, and the booking stays as it was', async () => {
    const token = await studentToken('instead-student-2');
    const startsAt = at(5, '13:00');
    const { createBooking } = dataOf<{ createBooking: BookingView }>(await bed.bookDue(token, startsAt));
    // Scheduled (nothing authorised yet): nothing is held, so nothing can be taken as credits.
    bed.bookingClockOffsetMs = Date.parse(startsAt) - Date.now() - 8 * 24 * H;
    expect(errorOf(await bed.stack.graphql(CANCEL, { token, variables: { id: createBooking.id, to: 'CREDITS' } }))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CREDIT_INSTEAD_NOT_OFFERED' });
    expect((await paymentOf(token, createBooking.id)).status).toBe('CONFIRMED');
    dataOf(await bed.stack.graphql(CANCEL, { token, variables: { id: createBooking.id, to: 'CARD' } }));
    await settles(token, createBooking.id, 'VOIDED');
  });
});
