import type { NewEvent } from '@instainstru/events';
import { createEnvelope, EventSchemaRegistry, InstructorPrivateEventType, topicForEventType } from '@instainstru/events';
import { instructorPrivateEvents } from './instructor.events';
import type { InstructorUnitOfWork } from './instructor.ports';
import type { InstructorProfile, PayoutAccount } from './instructor.types';
import { changePayoutAccount, sameConnectState } from './payout-account.rules';
import { saveWithPayoutAccount } from './payout-account.service';

const schemas = new EventSchemaRegistry();
const now = new Date('2030-05-01T10:00:00.000Z');

const noAccount: PayoutAccount = {
  stripeAccountId: null,
  chargesEnabled: false,
  payoutsEnabled: false,
  detailsSubmitted: false,
  lastEventAt: null,
  revision: 0,
  changedAt: '2030-04-01T09:00:00.000Z',
};
const created: PayoutAccount = { ...noAccount, stripeAccountId: 'acct_1Abc', revision: 1, changedAt: '2030-04-02T09:00:00.000Z' };

const profile = (payoutAccount: PayoutAccount): InstructorProfile =>
  ({ id: '2f1c6a8e-4b7d-4c1e-9a3f-5d6e7f809a1b', userId: 'teacher-1', revision: 7, isLive: false, payoutAccount }) as InstructorProfile;

describe('payout account changes', () => {
  it('a change of the account id or a capability takes the next revision and the time of the change', () => {
    expect(changePayoutAccount(noAccount, { ...noAccount, stripeAccountId: 'acct_1Abc' }, now)).toEqual({
      account: { ...noAccount, stripeAccountId: 'acct_1Abc', revision: 1, changedAt: now.toISOString() },
      changed: true,
    });
    for (const capability of ['chargesEnabled', 'payoutsEnabled', 'detailsSubmitted'] as const) {
      const { account, changed } = changePayoutAccount(created, { ...created, [capability]: true }, now);
      expect({ capability, changed, revision: account.revision, changedAt: account.changedAt }).toEqual({ capability, changed: true, revision: 2, changedAt: now.toISOString() });
    }
    // Withdrawn capabilities are a change like any other.
    const enabled = { ...created, chargesEnabled: true, payoutsEnabled: true, detailsSubmitted: true, revision: 4 };
    expect(changePayoutAccount(enabled, { ...enabled, chargesEnabled: false }, now)).toMatchObject({ changed: true, account: { chargesEnabled: false, revision: 5 } });
  });

  it('an update that leaves the Connect state as it was keeps its revision and change time (nothing to publish)', () => {
    const later = { ...created, lastEventAt: now.toISOString() };
    expect(changePayoutAccount(created, later, now)).toEqual({ account: later, changed: false });
    const elsewhere: PayoutAccount = { ...created, lastEventAt: 'x', revision: 9, changedAt: 'y' };
    expect(sameConnectState(created, elsewhere)).toBe(true);
  });
});

describe('instructor.payout-account-updated', () => {
  it('carries the whole Connect state at its revision, valid against its schema, on the private topic', () => {
    const event = instructorPrivateEvents.payoutAccountUpdated(profile({ ...created, chargesEnabled: true, lastEventAt: now.toISOString() }));
    expect(event).toEqual({
      type: 'instructor.payout-account-updated',
      aggregateId: '2f1c6a8e-4b7d-4c1e-9a3f-5d6e7f809a1b',
      payload: {
        instructorId: '2f1c6a8e-4b7d-4c1e-9a3f-5d6e7f809a1b',
        stripeAccountId: 'acct_1Abc',
        chargesEnabled: true,
        payoutsEnabled: false,
        detailsSubmitted: false,
        revision: 1,
        occurredAt: '2030-04-02T09:00:00.000Z',
      },
    });
    expect(() => schemas.validate(createEnvelope(event))).not.toThrow();
    expect(() => schemas.validate(createEnvelope(instructorPrivateEvents.payoutAccountUpdated(profile(noAccount))))).not.toThrow();
    expect(topicForEventType(InstructorPrivateEventType.PayoutAccountUpdated, 'test-')).toBe('test-instructor.private.payout-accounts');
    expect(topicForEventType('instructor.went-live', 'test-')).toBe('test-instructor.events');
  });
});

describe('saving a payout account', () => {
  const unitOfWork = () => {
    const saved: InstructorProfile[] = [];
    const published: NewEvent[] = [];
    const uow = {
      saveProfile: async (p: InstructorProfile) => void saved.push(p),
      publish: async (e: NewEvent) => void published.push(e),
    } as unknown as InstructorUnitOfWork;
    return { uow, saved, published };
  };

  it('publishes the new state with the save when the Connect state changed', async () => {
    const { uow, saved, published } = unitOfWork();
    const result = await saveWithPayoutAccount(uow, profile({ ...noAccount, stripeAccountId: 'acct_1Abc' }), noAccount, now);
    expect(result.payoutAccount).toMatchObject({ stripeAccountId: 'acct_1Abc', revision: 1, changedAt: now.toISOString() });
    expect(saved).toEqual([result]);
    expect(published).toEqual([instructorPrivateEvents.payoutAccountUpdated(result)]);
  });

  it('saves without publishing when it did not', async () => {
    const { uow, saved, published } = unitOfWork();
    await saveWithPayoutAccount(uow, profile({ ...created, lastEventAt: now.toISOString() }), created, now);
    expect(saved.map((p) => p.payoutAccount)).toEqual([{ ...created, lastEventAt: now.toISOString() }]);
    expect(published).toEqual([]);
  });
});
