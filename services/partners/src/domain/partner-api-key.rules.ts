import { randomBytes } from 'node:crypto';
import { partnerKeyHash, PARTNER_SCOPES, type PartnerScope } from '@instainstru/platform';
import { badInput, PartnersErrorCode } from './partners.errors';
import type { PartnerApiKeyRequest, PartnerPlan } from './partner-api-key.types';

export const NAME_MAX_LENGTH = 100;
export const BUCKET_SIZE = { min: 1, max: 100_000 } as const;
export const RESTORE_RATE_PER_SECOND = { min: 1, max: 10_000 } as const;

const CONTROL_CHARACTERS = /\p{Cc}/u;

/** A request an admin may issue, normalised: the name trimmed, scopes in the order given. */
export interface ValidPartnerApiKeyRequest {
  name: string;
  scopes: PartnerScope[];
  plan: PartnerPlan;
}

const isScope = (value: string): value is PartnerScope => (PARTNER_SCOPES as readonly string[]).includes(value);

function validName(raw: string): string {
  const name = raw.trim();
  const length = [...name].length;
  if (length === 0) throw badInput(PartnersErrorCode.InvalidName, 'name', 'must not be empty', { maxLength: NAME_MAX_LENGTH });
  if (length > NAME_MAX_LENGTH) throw badInput(PartnersErrorCode.InvalidName, 'name', `must be at most ${NAME_MAX_LENGTH} characters`, { maxLength: NAME_MAX_LENGTH, length });
  if (CONTROL_CHARACTERS.test(name)) throw badInput(PartnersErrorCode.InvalidName, 'name', 'must not contain control characters');
  return name;
}

function validScopes(raw: readonly string[]): PartnerScope[] {
  if (raw.length === 0) throw badInput(PartnersErrorCode.InvalidScopes, 'scopes', 'must name at least one scope');
  const unknown = raw.find((scope) => !isScope(scope));
  if (unknown !== undefined) throw badInput(PartnersErrorCode.InvalidScopes, 'scopes', `unknown scope "${unknown.slice(0, 40)}"`, { allowed: [...PARTNER_SCOPES] });
  const repeated = raw.find((scope, i) => raw.indexOf(scope) !== i);
  if (repeated !== undefined) throw badInput(PartnersErrorCode.InvalidScopes, 'scopes', `"${repeated}" is given more than once`);
  return raw as PartnerScope[];
}

function validBound(field: string, value: number, bounds: { min: number; max: number }): number {
  if (!Number.isInteger(value) || value < bounds.min || value > bounds.max) {
    throw badInput(PartnersErrorCode.InvalidPlan, field, `must be a whole number from ${bounds.min} to ${bounds.max}`, { ...bounds });
  }
  return value;
}

/** Checks everything an admin sent before anything is written; throws BAD_USER_INPUT with `{ field, problem }`. */
export function validatePartnerApiKeyRequest(request: PartnerApiKeyRequest): ValidPartnerApiKeyRequest {
  return {
    name: validName(request.name),
    scopes: validScopes(request.scopes),
    plan: {
      bucketSize: validBound('plan.bucketSize', request.plan.bucketSize, BUCKET_SIZE),
      restoreRatePerSecond: validBound('plan.restoreRatePerSecond', request.plan.restoreRatePerSecond, RESTORE_RATE_PER_SECOND),
    },
  };
}

/** A fresh secret (`iik_<6 hex>_<32 random bytes, base64url>`), its public prefix and its SHA-256. */
export function newPartnerSecret(random: (size: number) => Buffer = randomBytes): { secret: string; keyPrefix: string; secretHash: string } {
  const keyPrefix = `iik_${random(3).toString('hex')}`;
  const secret = `${keyPrefix}_${random(32).toString('base64url')}`;
  return { secret, keyPrefix, secretHash: partnerKeyHash(secret) };
}
