import { randomUUID } from 'node:crypto';
import { bookingSql, dataOf, errorOf, outboxEvents } from '@instainstru/test-harness';
import { useBookingTestbed } from '../support/booking';
import { ledgerViolations } from '../support/payments';

/**
 * The platform credits ledger through the gateway and the booking module: admins grant and revoke
 * with a reason, students see balance, lots and history; reservations take the soonest-expiring
 * lot first, are spent or released exactly once, and expiry posts what is left; the database
 * keeps every posting set summing to zero and no account below zero, even for racing spenders.
 */
const bed = useBookingTestbed();

const MY_CREDITS = `query($n: Int) { myCredits(historyFirst: $n) { currency balanceMinor reservedMinor lots { id source grantedMinor remainingMinor reason expiresAt } history { kind amountMinor bookingId reason } } }`;
const GRANT = `mutation($input: GrantCreditsInput!) { grantCredits(input: $input) { id source grantedMinor remainingMinor currency reason expiresAt } }`;
const REVOKE = `mutation($input: RevokeCreditsInput!) { revokeCredits(input: $input) { balanceMinor } }`;

interface Credits {
  currency: string;
  balanceMinor: number;
  reservedMinor: number;
  lots: { id: string; source: string; grantedMinor: number; remainingMinor: number; reason: string | null; expiresAt: string }[];
  history: { kind: string; amountMinor: number; bookingId: string | null; reason: string | null }[];
}

const admin = () => bed.token('credits-admin', ['admin']);
const creditsOf = async (sub: string) => dataOf<{ myCredits: Credits }>(await bed.stack.graphql(MY_CREDITS, { token: await bed.student(sub), variables: { n: 50 } })).myCredits;
const grant = async (studentId: string, amountMinor: number, expiresInDays: number, reason = 'Welcome gift') =>
  dataOf<{ grantCredits: Credits['lots'][number] }>(await bed.stack.graphql(GRANT, { token: await admin(), variables: { input: { studentId, amountMinor, expiresInDays, reason } } })).grantCredits;

const ledgerHolds = async () => expect(await ledgerViolations(bed.stack)).toEqual({ unbalanced: [], negative: [] });

describe('granting, revoking and reading credits', () => {
  it('an admin grants lots with an expiry and a reason; the student sees the balance, the lots soonest-expiring first and the history', async () => {
    const late = await grant('credits-student-1', 2000, 30, 'Sorry for the trouble');
    const soon = await grant('credits-student-1', 500, 10);
    expect(late).toMatchObject({ source: 'GRANT', grantedMinor: 2000, remainingMinor: 2000, currency: 'USD', reason: 'Sorry for the trouble' });
    const mine = await creditsOf('credits-student-1');
    expect(mine).toMatchObject({ currency: 'USD', balanceMinor: 2500, reservedMinor: 0 });
    expect(mine.lots.map((l) => l.id)).toEqual([soon.id, late.id]);
    expect(mine.history.map((h) => [h.kind, h.amountMinor])).toEqual([
      ['GRANT', 500],
      ['GRANT', 2000],
    ]);
    expect((await outboxEvents(bed.stack, 'booking', 'credits-student-1')).map((e) => [e.type, (e.payload as { amountMinor: number }).amountMinor])).toEqual([
      ['credit.granted', 2000],
      ['credit.granted', 500],
    ]);
    // Nobody else sees them.
    expect((await creditsOf('credits-someone-else')).balanceMinor).toBe(0);
  });

  it('revoking takes the soonest-expiring lot first; more than the balance is refused and nothing is written', async () => {
    const soon = await grant('credits-student-2', 300, 5);
    const late = await grant('credits-student-2', 1000, 60);
    const revoked = dataOf<{ revokeCredits: { balanceMinor: number } }>(
      await bed.stack.graphql(REVOKE, { token: await admin(), variables: { input: { studentId: 'credits-student-2', amountMinor: 500, reason: 'Granted twice by mistake' } } }),
    );
    expect(revoked.revokeCredits.balanceMinor).toBe(800);
    const lots = (await creditsOf('credits-student-2')).lots;
    expect(lots).toEqual([expect.objectContaining({ id: late.id, remainingMinor: 800 })]);
    expect(lots.find((l) => l.id === soon.id)).toBeUndefined();
    const before = await bookingSql(bed.stack, `select count(*) as n from credit_posting`);
    expect(errorOf(await bed.stack.graphql(REVOKE, { token: await admin(), variables: { input: { studentId: 'credits-student-2', amountMinor: 801, reason: 'Too much' } } }))).toMatchObject({
      code: 'CONFLICT',
      reason: 'INSUFFICIENT_CREDITS',
    });
    expect(await bookingSql(bed.stack, `select count(*) as n from credit_posting`)).toEqual(before);
  });

  it('support (an admin) reads a student’s credits as the student sees them; nobody else can', async () => {
    await grant('credits-student-support', 700, 20, 'Apology');
    const STUDENT_CREDITS = `query($id: ID!) { studentCredits(studentId: $id, historyFirst: 5) { balanceMinor lots { grantedMinor reason } history { kind amountMinor } } }`;
    const seen = dataOf<{ studentCredits: Partial<Credits> }>(await bed.stack.graphql(STUDENT_CREDITS, { token: await admin(), variables: { id: 'credits-student-support' } })).studentCredits;
    const own = await creditsOf('credits-student-support');
    expect(seen).toEqual({ balanceMinor: own.balanceMinor, lots: [{ grantedMinor: 700, reason: 'Apology' }], history: [{ kind: 'GRANT', amountMinor: 700 }] });
    expect(errorOf(await bed.stack.graphql(STUDENT_CREDITS, { token: await bed.student('credits-student-nosy'), variables: { id: 'credits-student-support' } }))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'ADMIN_ONLY',
    });
  });

  it('refuses non-admins and bad input with clear codes, writing nothing', async () => {
    const lots = async () => Number((await bookingSql<{ n: string }>(bed.stack, `select count(*) as n from credit_lot`))[0]!.n);
    const before = await lots();
    const input = { studentId: 'credits-student-3', amountMinor: 1000, expiresInDays: 30, reason: 'Gift' };
    expect(errorOf(await bed.stack.graphql(GRANT, { token: await bed.student('credits-student-3'), variables: { input } }))).toMatchObject({ code: 'FORBIDDEN', reason: 'ADMIN_ONLY' });
    expect(errorOf(await bed.stack.graphql(GRANT, { variables: { input } }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    for (const amountMinor of [0, -5, 100_001]) {
      expect(errorOf(await bed.stack.graphql(GRANT, { token: await admin(), variables: { input: { ...input, amountMinor } } }))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_CREDIT_AMOUNT' });
    }
    for (const expiresInDays of [0, 1096]) {
      expect(errorOf(await bed.stack.graphql(GRANT, { token: await admin(), variables: { input: { ...input, expiresInDays } } }))).toMatchObject({ reason: 'INVALID_CREDIT_EXPIRY' });
    }
    expect(errorOf(await bed.stack.graphql(GRANT, { token: await admin(), variables: { input: { ...input, reason: '   ' } } }))).toMatchObject({ reason: 'REASON_REQUIRED' });
    expect(errorOf(await bed.stack.graphql(GRANT, { token: await admin(), variables: { input: { ...input, studentId: ' ' } } }))).toMatchObject({ reason: 'INVALID_STUDENT_ID' });
    expect(await lots()).toBe(before);
  });
});

describe('reservations', () => {
  it('ten bookings racing for the last 1000 credits: one reserves them, the others are refused, the balance never goes below zero', async () => {
    await grant('credits-racer', 1000, 30);
    const bookings = Array.from({ length: 10 }, () => randomUUID());
    const results = await Promise.allSettled(bookings.map((id) => bed.module.credits.reserve('credits-racer', id, 1000)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const refused of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) expect(refused.reason).toMatchObject({ code: 'INSUFFICIENT_CREDITS' });
    expect(await creditsOf('credits-racer')).toMatchObject({ balanceMinor: 0, reservedMinor: 1000 });
    await ledgerHolds();
  });

  it('a reservation takes the soonest-expiring lots first, and is spent or released exactly once', async () => {
    const soon = await grant('credits-reserver', 300, 5);
    const late = await grant('credits-reserver', 1000, 60);
    const released = randomUUID();
    await bed.module.credits.reserve('credits-reserver', released, 500);
    expect((await creditsOf('credits-reserver')).lots).toEqual([expect.objectContaining({ id: late.id, remainingMinor: 800 })]);
    // Cancelled twice (a redelivered cancellation): released once, to the same lots.
    expect(await bed.module.credits.release('credits-reserver', released)).toBe(500);
    expect(await bed.module.credits.release('credits-reserver', released)).toBe(0);
    expect((await creditsOf('credits-reserver')).lots.map((l) => [l.id, l.remainingMinor])).toEqual([
      [soon.id, 300],
      [late.id, 1000],
    ]);

    const spent = randomUUID();
    await bed.module.credits.reserve('credits-reserver', spent, 1200);
    expect(await bed.module.credits.spend('credits-reserver', spent)).toBe(1200);
    expect(await bed.module.credits.spend('credits-reserver', spent)).toBe(0);
    expect(await bed.module.credits.release('credits-reserver', spent)).toBe(0);
    const after = await creditsOf('credits-reserver');
    expect(after).toMatchObject({ balanceMinor: 100, reservedMinor: 0 });
    expect(after.history.map((h) => [h.kind, h.amountMinor])).toEqual([
      ['SPEND', 0],
      ['RESERVE', -1200],
      ['RELEASE', 500],
      ['RESERVE', -500],
      ['GRANT', 1000],
      ['GRANT', 300],
    ]);
    // One event per ledger transaction: the redelivered spend and release published nothing.
    expect((await outboxEvents(bed.stack, 'booking', 'credits-reserver')).map((e) => e.type)).toEqual([
      'credit.granted',
      'credit.granted',
      'credit.reserved',
      'credit.released',
      'credit.reserved',
      'credit.spent',
    ]);
    const [spentTotal] = await bookingSql<{ n: string }>(bed.stack, `select sum(amount_minor) as n from credit_posting p join credit_transaction t on t.id = p.transaction_id where p.account = 'platform:spent' and t.booking_id = $1`, [spent]);
    expect(Number(spentTotal!.n)).toBe(1200);
    await expect(bed.module.credits.reserve('credits-reserver', randomUUID(), 101)).rejects.toMatchObject({ code: 'INSUFFICIENT_CREDITS' });
  });
});

describe('expiry', () => {
  it('a lot counts until its expiry instant; then what is left goes to the expiry account, once', async () => {
    const lot = await grant('credits-expiring', 700, 3);
    const expiresAt = Date.parse(lot.expiresAt);
    // Half a second before the expiry instant (the clock reads real time plus the offset a few milliseconds later).
    bed.clockOffsetMs = expiresAt - 500 - Date.now();
    expect((await creditsOf('credits-expiring')).balanceMinor).toBe(700);
    await bed.module.credits.expireDue();
    expect((await creditsOf('credits-expiring')).balanceMinor).toBe(700);

    bed.clockOffsetMs = expiresAt - Date.now();
    expect((await creditsOf('credits-expiring')).balanceMinor).toBe(0);
    await expect(bed.module.credits.reserve('credits-expiring', randomUUID(), 1)).rejects.toMatchObject({ code: 'INSUFFICIENT_CREDITS' });
    expect(await bed.module.credits.expireDue()).toBeGreaterThanOrEqual(1);
    expect(await bed.module.credits.expireDue()).toBe(0);
    const mine = await creditsOf('credits-expiring');
    expect(mine.lots).toEqual([]);
    expect(mine.history[0]).toMatchObject({ kind: 'EXPIRE', amountMinor: -700 });
  });
});

describe('the database’s own guard', () => {
  it('refuses a posting set that does not sum to zero, one that would overdraw, and any change to a posting', async () => {
    const lot = await grant('credits-guarded', 100, 30);
    const tx = randomUUID();
    await bookingSql(bed.stack, `insert into credit_transaction (id, kind, student_user_id) values ($1, 'SPEND', 'credits-guarded')`, [tx]);
    await expect(bookingSql(bed.stack, `insert into credit_posting (transaction_id, account, lot_id, amount_minor) values ($1, 'student:credits-guarded', $2, -10)`, [tx, lot.id])).rejects.toThrow(/sum to zero/);
    await expect(
      bookingSql(
        bed.stack,
        `insert into credit_posting (transaction_id, account, lot_id, amount_minor) values ($1, 'student:credits-guarded', $2, -101), ($1, 'platform:spent', $2, 101)`,
        [tx, lot.id],
      ),
    ).rejects.toThrow(/below zero/);
    await expect(bookingSql(bed.stack, `update credit_posting set amount_minor = 1 where lot_id = $1`, [lot.id])).rejects.toThrow(/never changed/);
    await expect(bookingSql(bed.stack, `delete from credit_posting where lot_id = $1`, [lot.id])).rejects.toThrow(/never changed/);
    expect((await creditsOf('credits-guarded')).balanceMinor).toBe(100);
  });

  it('after everything above, the whole ledger balances: every transaction sums to zero, no account below zero', async () => {
    await ledgerHolds();
    const [count] = await bookingSql<{ n: string }>(bed.stack, `select count(*) as n from credit_transaction`);
    expect(Number(count!.n)).toBeGreaterThan(10);
  });
});
