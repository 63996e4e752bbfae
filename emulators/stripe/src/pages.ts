import { donePage, completeOnboarding } from './resources/accounts';
import { verifySession } from './resources/identity';
import { authenticatePaymentIntent } from './resources/payment-intents';
import { authenticateSetupIntent } from './resources/setup-intents';
import { str } from './params';
import { route, type Route } from './router';
import type { Account, PaymentIntent, SetupIntent, VerificationSession } from './types';

/**
 * The pages a browser would open at Stripe (hosted onboarding, Identity, 3-D Secure). They need
 * no key: the object's id finds its world. Opening one completes the flow.
 */
export const pageRoutes: Route[] = [
  route(
    'GET',
    '/_emulator/connect/onboard/:id',
    ({ world, path, params }) => {
      completeOnboarding(world, world.get<Account>('account', path.id!));
      return donePage('Onboarding complete', `Account ${path.id} can now accept payments and receive payouts.`, str(params, 'return_url'));
    },
    { public: true },
  ),
  route(
    'GET',
    '/_emulator/identity/verify/:id',
    ({ world, path }) => {
      const found = world.get<VerificationSession>('identity.verification_session', path.id!);
      const session = found.status === 'verified' ? found : verifySession(world, found);
      return donePage('Identity verified', `Verification session ${session.id} is verified.`, session.return_url ?? undefined);
    },
    { public: true },
  ),
  route(
    'GET',
    '/_emulator/3ds/:id',
    ({ world, path, params }) => {
      const outcome = str(params, 'outcome') === 'fail' ? 'fail' : 'succeed';
      const id = path.id!;
      if (id.startsWith('seti_')) authenticateSetupIntent(world, world.get<SetupIntent>('setup_intent', id), outcome);
      else authenticatePaymentIntent(world, world.get<PaymentIntent>('payment_intent', id), outcome);
      return donePage(outcome === 'succeed' ? 'Authentication complete' : 'Authentication failed', `3-D Secure for ${id}: ${outcome}.`, str(params, 'return_url'));
    },
    { public: true },
  ),
];
