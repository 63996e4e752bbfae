import type Stripe from 'stripe';
import { InstructorError, InstructorErrorCode } from '../../domain/instructor.errors';
import type { IdentitySession, IdentityVerifier, PayoutAccounts } from '../../domain/instructor.ports';

/** Where Stripe failures are reported; the caller only learns that the payment provider is unavailable. */
export type StripeFailureReporter = (err: unknown, operation: string) => void;

function caller(onFailure: StripeFailureReporter) {
  return async <T>(operation: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      onFailure(error, operation);
      throw new InstructorError(InstructorErrorCode.PaymentProviderUnavailable, 'Stripe could not be reached or refused the request; try again');
    }
  };
}

/** Stripe Identity verification sessions (document + selfie). */
export class StripeIdentityVerifier implements IdentityVerifier {
  private readonly call: ReturnType<typeof caller>;

  constructor(
    private readonly stripe: Stripe,
    onFailure: StripeFailureReporter = () => undefined,
  ) {
    this.call = caller(onFailure);
  }

  async createSession(request: { instructorId: string; idempotencyKey: string; returnUrl: string }): Promise<IdentitySession> {
    const session = await this.call('identity.verificationSessions.create', () =>
      this.stripe.identity.verificationSessions.create(
        {
          type: 'document',
          options: { document: { require_matching_selfie: true } },
          metadata: { instructorId: request.instructorId },
          return_url: request.returnUrl,
        },
        { idempotencyKey: request.idempotencyKey },
      ),
    );
    return { id: session.id, clientSecret: session.client_secret ?? null, url: session.url ?? null };
  }

  async cancelSession(sessionId: string): Promise<void> {
    await this.call('identity.verificationSessions.cancel', () => this.stripe.identity.verificationSessions.cancel(sessionId));
  }
}

/** Stripe Connect Express accounts and their hosted onboarding. */
export class StripeConnectPayoutAccounts implements PayoutAccounts {
  private readonly call: ReturnType<typeof caller>;

  constructor(
    private readonly stripe: Stripe,
    onFailure: StripeFailureReporter = () => undefined,
  ) {
    this.call = caller(onFailure);
  }

  async createAccount(request: { instructorId: string; idempotencyKey: string }): Promise<{ id: string }> {
    const account = await this.call('accounts.create', () =>
      this.stripe.accounts.create(
        {
          type: 'express',
          country: 'US',
          capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
          business_type: 'individual',
          metadata: { instructorId: request.instructorId },
        },
        { idempotencyKey: request.idempotencyKey },
      ),
    );
    return { id: account.id };
  }

  async deleteAccount(accountId: string): Promise<void> {
    await this.call('accounts.del', () => this.stripe.accounts.del(accountId));
  }

  async createOnboardingLink(request: { accountId: string; refreshUrl: string; returnUrl: string }): Promise<{ url: string; expiresAt: Date }> {
    const link = await this.call('accountLinks.create', () =>
      this.stripe.accountLinks.create({ account: request.accountId, type: 'account_onboarding', refresh_url: request.refreshUrl, return_url: request.returnUrl }),
    );
    return { url: link.url, expiresAt: new Date(link.expires_at * 1000) };
  }
}
