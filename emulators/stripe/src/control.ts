import { invalidRequest } from './errors';
import { record as ledgerRecord } from './ledger';
import { bool, int, list, requiredInt, requiredStr, str } from './params';
import { adoptAccount, completeOnboarding, connectedAccount } from './resources/accounts';
import { failSession, verifySession } from './resources/identity';
import { authenticatePaymentIntent } from './resources/payment-intents';
import { payoutFailureCodes } from './resources/payouts';
import { authenticateSetupIntent } from './resources/setup-intents';
import { registerEndpoint } from './resources/webhook-endpoints';
import { route, type Ctx, type Route } from './router';
import { runDue } from './transitions';
import type { PaymentIntent, SetupIntent, VerificationSession } from './types';
import type { DeliveryMode } from './webhooks';

const outcomeOf = (ctx: Ctx) => requiredStr(ctx.params, 'outcome', ['succeed', 'fail']) as 'succeed' | 'fail';

/** Test controls under /_emulator; the Bearer key chooses the world as on the API. */
export const controlRoutes: Route[] = [
  route('GET', '/_emulator/clock', ({ world }) => ({ now: world.now(), offset_seconds: world.clock.offsetSeconds })),
  route('POST', '/_emulator/clock/advance', ({ world, params }) => {
    const seconds = requiredInt(params, 'seconds', { min: 0 });
    world.clock.advance(seconds);
    const transitions = runDue(world);
    return { now: world.now(), offset_seconds: world.clock.offsetSeconds, transitions };
  }),
  route('POST', '/_emulator/reset', (ctx) => {
    ctx.world.reset();
    return { reset: true };
  }),
  route('POST', '/_emulator/latency', ({ world, params }) => {
    world.latencyMs = requiredInt(params, 'ms', { min: 0, max: 60_000 });
    world.latencyAfterMs = int(params, 'after_ms', { min: 0, max: 60_000 }) ?? 0;
    return { latency_ms: world.latencyMs, latency_after_ms: world.latencyAfterMs };
  }),
  route('POST', '/_emulator/webhook_endpoints', ({ world, params }) =>
    registerEndpoint(world, {
      url: requiredStr(params, 'url'),
      events: list(params, 'enabled_events') ?? ['*'],
      connect: bool(params, 'connect') ?? false,
      description: str(params, 'description') ?? null,
      ...(str(params, 'secret') ? { secret: str(params, 'secret')! } : {}),
    }),
  ),
  route('POST', '/_emulator/webhooks/mode', ({ world, params }) => {
    const mode = requiredStr(params, 'mode', ['normal', 'twice', 'reverse', 'hold']) as DeliveryMode;
    world.webhooks.setMode(mode, int(params, 'delay_ms', { min: 0, max: 600_000 }) ?? 0);
    const clock = str(params, 'signature_clock', { oneOf: ['real', 'world'] });
    if (clock) world.webhooks.signatureClock = clock as 'real' | 'world';
    return { mode: world.webhooks.mode, delay_ms: world.webhooks.delayMs, signature_clock: world.webhooks.signatureClock, held: world.webhooks.heldCount };
  }),
  route('POST', '/_emulator/webhooks/flush', async ({ world, params }) => {
    const order = (str(params, 'order', { oneOf: ['normal', 'reverse'] }) ?? 'normal') as 'normal' | 'reverse';
    return { delivered: await world.webhooks.flush(order) };
  }),
  route('POST', '/_emulator/webhooks/settle', async ({ world, params }) => ({
    settled: await world.webhooks.settle(int(params, 'timeout_ms', { min: 0, max: 120_000 }) ?? 10_000),
  })),
  route('GET', '/_emulator/webhooks/deliveries', ({ world, params }) => {
    const event = str(params, 'event');
    const type = str(params, 'type');
    const data = world.webhooks.deliveries.filter((d) => (!event || d.event === event) && (!type || d.type === type));
    return { object: 'list', data, mode: world.webhooks.mode, held: world.webhooks.heldCount };
  }),
  route('POST', '/_emulator/payment_intents/:id/authenticate', ({ world, params, path }) =>
    authenticatePaymentIntent(world, world.get<PaymentIntent>('payment_intent', path.id!), outcomeOf({ params } as Ctx)),
  ),
  route('POST', '/_emulator/setup_intents/:id/authenticate', ({ world, params, path }) =>
    authenticateSetupIntent(world, world.get<SetupIntent>('setup_intent', path.id!), outcomeOf({ params } as Ctx)),
  ),
  route('POST', '/_emulator/accounts/:id/adopt', (ctx) => {
    if (!/^acct_[A-Za-z0-9_]{1,60}$/.test(ctx.path.id!)) throw invalidRequest('Not an account id.', { param: 'id' });
    return adoptAccount(ctx, ctx.path.id!);
  }),
  route('POST', '/_emulator/accounts/:id/onboard', ({ world, path }) => completeOnboarding(world, connectedAccount(world, path.id!))),
  route('POST', '/_emulator/accounts/:id/payout_failure', ({ world, params, path }) => {
    const account = connectedAccount(world, path.id!);
    const code = str(params, 'code');
    if (code && !payoutFailureCodes.includes(code)) {
      throw invalidRequest(`Unknown payout failure code '${code}' (known: ${payoutFailureCodes.join(', ')}).`, { param: 'code' });
    }
    if (code) world.payoutFailures.set(account.id, code);
    else world.payoutFailures.delete(account.id);
    return { account: account.id, payout_failure: code ?? null };
  }),
  route('POST', '/_emulator/identity/:id/verify', ({ world, path }) => verifySession(world, world.get<VerificationSession>('identity.verification_session', path.id!))),
  route('POST', '/_emulator/identity/:id/fail', ({ world, params, path }) =>
    failSession(world, world.get<VerificationSession>('identity.verification_session', path.id!), str(params, 'code') ?? 'document_unverified_other'),
  ),
  route('POST', '/_emulator/balance/credit', ({ world, params, account }) => {
    const amount = requiredInt(params, 'amount', { min: 1 });
    const currency = (str(params, 'currency') ?? 'usd').toLowerCase();
    const pending = str(params, 'status', { oneOf: ['available', 'pending'] }) === 'pending';
    const txn = ledgerRecord(world, {
      owner: account,
      amount,
      currency,
      type: 'adjustment',
      reportingCategory: 'other_adjustment',
      source: null,
      description: 'Emulator balance credit',
      ...(pending ? { availableOn: world.now() + world.config.availableAfterSeconds } : {}),
    });
    return txn;
  }),
];
