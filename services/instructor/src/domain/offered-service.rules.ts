import { isUuid } from '@instainstru/platform';
import { invalidInput } from './instructor.errors';
import { AGE_GROUPS, IN_PERSON_MODES, LESSON_MODES, SKILL_LEVELS, type OfferedServiceTerms } from './instructor.types';

export const MAX_OFFERED_SERVICES = 20;
const MIN_RATE_MINOR = 500;
const MAX_RATE_MINOR = 100_000;

export function checkServiceId(serviceId: string): string {
  if (!isUuid(serviceId)) throw invalidInput('serviceId', 'must be a catalog service id');
  return serviceId.toLowerCase();
}

function supportedCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && Intl.supportedValuesOf('currency').includes(code);
}

function set<T extends string>(field: string, values: readonly T[], allowed: readonly T[]): T[] {
  if (values.length === 0) throw invalidInput(field, 'choose at least one');
  // In the vocabulary's own order, without repeats: the same choice always reads the same.
  return allowed.filter((v) => values.includes(v));
}

/** Validates and normalises the terms of an offered service. */
export function checkTerms(terms: OfferedServiceTerms): OfferedServiceTerms {
  const currency = terms.hourlyRate.currency.trim().toUpperCase();
  if (!supportedCurrency(currency)) throw invalidInput('hourlyRate.currency', 'must be an ISO 4217 currency code such as USD');
  const amount = terms.hourlyRate.amountMinor;
  if (!Number.isInteger(amount) || amount < MIN_RATE_MINOR || amount > MAX_RATE_MINOR) {
    throw invalidInput('hourlyRate.amountMinor', `must be whole minor units from ${MIN_RATE_MINOR} to ${MAX_RATE_MINOR}`);
  }
  if (terms.durationsMinutes.length === 0) throw invalidInput('durationsMinutes', 'choose at least one');
  if (terms.durationsMinutes.some((d) => !Number.isInteger(d) || d < 15 || d > 240 || d % 15 !== 0)) {
    throw invalidInput('durationsMinutes', 'each must be 15 to 240 minutes in steps of 15');
  }
  const lessonModes = set('lessonModes', terms.lessonModes, LESSON_MODES);
  const travels = lessonModes.includes('at_student_place');
  let travelRadiusMiles: number | null = null;
  if (travels) {
    const radius = terms.travelRadiusMiles;
    if (radius === null || !Number.isInteger(radius) || radius < 1 || radius > 100) {
      throw invalidInput('travelRadiusMiles', "must be 1 to 100 miles when lessons happen at the student's place");
    }
    travelRadiusMiles = radius;
  } else if (terms.travelRadiusMiles !== null) {
    throw invalidInput('travelRadiusMiles', "is only for lessons at the student's place");
  }
  const description = terms.description?.trim() || null;
  if (description && description.length > 1000) throw invalidInput('description', 'must be at most 1000 characters');
  return {
    hourlyRate: { amountMinor: amount, currency },
    durationsMinutes: [...new Set(terms.durationsMinutes)].sort((a, b) => a - b),
    ageGroups: set('ageGroups', terms.ageGroups, AGE_GROUPS),
    levels: set('levels', terms.levels, SKILL_LEVELS),
    lessonModes,
    travelRadiusMiles,
    description,
  };
}

export function needsAddress(terms: OfferedServiceTerms): boolean {
  return terms.lessonModes.some((m) => IN_PERSON_MODES.includes(m));
}
