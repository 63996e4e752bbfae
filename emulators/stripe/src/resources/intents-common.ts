import { invalidRequest } from '../errors';
import { newId } from '../ids';
import { str, type Params } from '../params';
import type { Ctx } from '../router';
import type { NextAction } from '../types';

/** Only card payments are emulated. */
export function cardTypes(params: Params): string[] {
  const value = params.payment_method_types;
  const types = value === undefined || value === '' ? ['card'] : Array.isArray(value) ? value.map(String) : Object.values(value as object).map(String);
  for (const type of types) {
    if (type !== 'card') throw invalidRequest(`The payment method type "${type}" is invalid or not supported by the emulator (card only).`, { param: 'payment_method_types' });
  }
  return types;
}

/** What Stripe.js needs to run 3-D Secure; the emulator's page (or its control route) completes it. */
export function threeDSecureAction(ctx: Ctx | { baseUrl: string }, intentId: string): NextAction {
  return {
    type: 'use_stripe_sdk',
    use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: `${ctx.baseUrl}/_emulator/3ds/${intentId}`, source: newId('src') },
  };
}

/**
 * With a publishable key, an intent is reachable only with its client secret (as Stripe.js calls
 * it); with a secret key the client secret is not needed.
 */
export function checkClientSecret(ctx: Ctx, intent: { client_secret: string; id: string }): void {
  if (ctx.keyKind !== 'publishable') return;
  const given = str(ctx.params, 'client_secret');
  if (!given) throw invalidRequest('Missing required param: client_secret.', { code: 'parameter_missing', param: 'client_secret' });
  if (given !== intent.client_secret) {
    throw invalidRequest(`The client_secret provided does not match the client_secret associated with the ${intent.id.startsWith('seti_') ? 'SetupIntent' : 'PaymentIntent'}.`, {
      code: 'resource_missing',
      param: 'client_secret',
      status: 400,
    });
  }
}

/** Parameters a publishable key sends besides the real ones. */
export const CLIENT_PARAMS = ['client_secret', 'key', 'use_stripe_sdk', 'return_url', 'payment_method_data', 'mandate_data', 'payment_method_options'];
