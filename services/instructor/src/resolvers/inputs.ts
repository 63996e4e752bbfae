import type { OfferedServiceTermsInput } from '../__generated__/resolvers-types';
import type { OfferedServiceTerms } from '../domain/instructor.types';

/** GraphQL leaves optional input fields undefined; the domain's terms say null. */
export const toTerms = (input: OfferedServiceTermsInput): OfferedServiceTerms => ({
  hourlyRate: input.hourlyRate,
  durationsMinutes: input.durationsMinutes,
  ageGroups: input.ageGroups,
  levels: input.levels,
  lessonModes: input.lessonModes,
  travelRadiusMiles: input.travelRadiusMiles ?? null,
  description: input.description ?? null,
});
