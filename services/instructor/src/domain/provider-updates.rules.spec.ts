import type { IdentityVerification, PayoutAccount } from './instructor.types';
import { decideAccountUpdate, decideIdentityUpdate, type AccountNotification, type IdentityNotification } from './provider-updates.rules';

const t = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, seconds));

const pending: IdentityVerification = { status: 'REQUIRES_INPUT', sessionId: 'vs_2', attempts: 2, lastErrorCode: null, verifiedAt: null, lastEventAt: t(10).toISOString() };
const identity = (status: IdentityNotification['status'], at: number, sessionId = 'vs_2'): IdentityNotification => ({
  kind: 'identity-session',
  eventId: `evt_${status}_${at}`,
  type: `identity.verification_session.${status}`,
  createdAt: t(at),
  sessionId,
  status,
  lastErrorCode: status === 'requires_input' ? 'selfie_mismatch' : null,
  instructorId: null,
});

const account: PayoutAccount = {
  stripeAccountId: 'acct_1',
  chargesEnabled: false,
  payoutsEnabled: false,
  detailsSubmitted: false,
  lastEventAt: t(10).toISOString(),
  revision: 1,
  changedAt: t(5).toISOString(),
};
const accountUpdate = (chargesEnabled: boolean, at: number, accountId = 'acct_1'): AccountNotification => ({
  kind: 'connect-account',
  eventId: `evt_acct_${at}`,
  type: 'account.updated',
  createdAt: t(at),
  accountId,
  chargesEnabled,
  payoutsEnabled: chargesEnabled,
  detailsSubmitted: true,
  instructorId: null,
});

describe('identity updates from Stripe', () => {
  it('applies newer updates of the current session', () => {
    expect(decideIdentityUpdate(pending, identity('processing', 20))).toEqual({
      outcome: 'applied',
      next: { ...pending, status: 'PROCESSING', lastErrorCode: null, lastEventAt: t(20).toISOString() },
    });
    expect(decideIdentityUpdate(pending, identity('requires_input', 10))).toMatchObject({ outcome: 'applied', next: { lastErrorCode: 'selfie_mismatch' } });
  });

  it('drops older updates and those of other sessions', () => {
    expect(decideIdentityUpdate(pending, identity('processing', 5)).outcome).toBe('stale');
    expect(decideIdentityUpdate(pending, identity('canceled', 30, 'vs_1')).outcome).toBe('ignored');
  });

  it('treats verified as final, from any session of the instructor', () => {
    const verified = decideIdentityUpdate(pending, identity('verified', 5, 'vs_1'));
    expect(verified).toMatchObject({ outcome: 'applied', next: { status: 'VERIFIED', sessionId: 'vs_1', verifiedAt: t(5).toISOString() } });
    const done = verified.outcome === 'applied' ? verified.next : pending;
    expect(decideIdentityUpdate(done, identity('requires_input', 60, 'vs_1')).outcome).toBe('ignored');
    expect(decideIdentityUpdate(done, identity('canceled', 61, 'vs_1')).outcome).toBe('ignored');
  });
});

describe('Connect account updates from Stripe', () => {
  it('applies the newest state, including capabilities being withdrawn', () => {
    const enabled = decideAccountUpdate(account, accountUpdate(true, 20));
    expect(enabled).toMatchObject({ outcome: 'applied', next: { chargesEnabled: true, payoutsEnabled: true, detailsSubmitted: true } });
    const next = enabled.outcome === 'applied' ? enabled.next : account;
    expect(decideAccountUpdate(next, accountUpdate(false, 30))).toMatchObject({ outcome: 'applied', next: { chargesEnabled: false } });
  });

  it('never applies an older state over a newer one, nor another account', () => {
    expect(decideAccountUpdate(account, accountUpdate(true, 9)).outcome).toBe('stale');
    expect(decideAccountUpdate(account, accountUpdate(true, 20, 'acct_2')).outcome).toBe('ignored');
  });
});
