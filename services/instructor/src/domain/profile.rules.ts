import type { AddressQuery } from './instructor.ports';
import { InstructorError, InstructorErrorCode, invalidInput } from './instructor.errors';

// Control characters other than tab/newline have no place in profile text.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function text(field: string, value: string, max: number, { multiline = false } = {}): string {
  const trimmed = value.trim();
  if (CONTROL.test(trimmed) || (!multiline && /[\r\n]/.test(trimmed))) throw invalidInput(field, 'contains characters that are not allowed');
  if (trimmed.length > max) throw invalidInput(field, `must be at most ${max} characters`);
  return trimmed;
}

export function checkDisplayName(value: string): string {
  const name = text('displayName', value, 120);
  if (!name) throw invalidInput('displayName', 'must not be empty');
  return name;
}

/** Empty means no bio. */
export function checkBio(value: string | null): string | null {
  if (value === null) return null;
  return text('bio', value, 2000, { multiline: true }) || null;
}

export function checkYearsOfExperience(value: number | null): number | null {
  if (value === null) return null;
  if (!Number.isInteger(value) || value < 0 || value > 80) throw invalidInput('yearsOfExperience', 'must be a whole number from 0 to 80');
  return value;
}

/** A valid IANA timezone, in its canonical spelling. */
export function checkTimezone(value: string): string {
  const candidate = value.trim();
  if (/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(candidate)) {
    try {
      return new Intl.DateTimeFormat('en-US', { timeZone: candidate }).resolvedOptions().timeZone;
    } catch {
      // not a zone this runtime knows
    }
  }
  throw new InstructorError(InstructorErrorCode.InvalidTimezone, `"${candidate.slice(0, 64)}" is not an IANA timezone`, { timezone: candidate.slice(0, 64) });
}

export interface AddressInput {
  line1: string;
  line2?: string | null;
  city?: string | null;
  state?: string | null;
  postalCode: string;
  country?: string | null;
}

export interface CheckedAddress extends AddressQuery {
  line2: string | null;
}

/** Shape checks before geocoding (US addresses: five-digit ZIP, two-letter state). */
export function checkAddress(input: AddressInput): CheckedAddress {
  const country = (input.country ?? 'US').trim().toUpperCase();
  if (country !== 'US') throw invalidInput('address.country', 'only US addresses are supported');
  const line1 = text('address.line1', input.line1, 200);
  if (!line1) throw invalidInput('address.line1', 'must not be empty');
  const line2 = input.line2 ? text('address.line2', input.line2, 200) || null : null;
  const zip = /^(\d{5})(-\d{4})?$/.exec(input.postalCode.trim());
  if (!zip) throw invalidInput('address.postalCode', 'must be a US ZIP code such as 11201');
  const state = input.state?.trim() ? input.state.trim().toUpperCase() : null;
  if (state !== null && !/^[A-Z]{2}$/.test(state)) throw invalidInput('address.state', 'must be a two-letter state code');
  const city = input.city?.trim() ? text('address.city', input.city, 100) : null;
  return { line1, line2, city, state, postalCode: zip[1]!, country };
}
