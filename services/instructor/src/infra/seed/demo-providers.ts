import type { IdentitySession, IdentityVerifier, PayoutAccounts } from '../../domain/instructor.ports';

/**
 * Stand-ins for Stripe used by the demo seed only: demo instructors must not create objects in a
 * real Stripe account. Their results are then applied through the same code as Stripe's webhooks.
 */
export class DemoIdentityVerifier implements IdentityVerifier {
  async createSession(request: { instructorId: string; idempotencyKey: string }): Promise<IdentitySession> {
    const attempt = request.idempotencyKey.split(':').pop();
    return { id: `vs_demo_${request.instructorId.replace(/-/g, '').slice(0, 16)}_${attempt}`, clientSecret: null, url: null };
  }

  async cancelSession(): Promise<void> {}
}

export class DemoPayoutAccounts implements PayoutAccounts {
  async createAccount(request: { instructorId: string }): Promise<{ id: string }> {
    return { id: `acct_demo_${request.instructorId.replace(/-/g, '').slice(0, 16)}` };
  }

  async deleteAccount(): Promise<void> {}

  async createOnboardingLink(request: { accountId: string; returnUrl: string }): Promise<{ url: string; expiresAt: Date }> {
    return { url: `${request.returnUrl}?demo-account=${request.accountId}`, expiresAt: new Date(Date.now() + 5 * 60_000) };
  }
}
