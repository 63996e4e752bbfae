import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Random base62 text, as in Stripe's ids and secrets. */
export function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i]! % ALPHABET.length];
  return out;
}

/** A Stripe-like id: `<prefix>_` and 24 base62 characters (`cus_…`, `pi_…`, `evt_…`). */
export function newId(prefix: string): string {
  return `${prefix}_${randomToken(24)}`;
}

/** `<id>_secret_<random>`, the client secret of setup and payment intents. */
export function clientSecret(id: string): string {
  return `${id}_secret_${randomToken(25)}`;
}
