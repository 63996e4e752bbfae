import type { InstructorResolvers } from '../__generated__/resolvers-types';

export const Instructor: InstructorResolvers = {
  __resolveReference: (ref) => ({ __typename: 'Instructor', id: ref.id }),
  nextAvailableSlots: ({ id }, { first, durationMinutes }, { bookable }) => bookable.next(id, first, durationMinutes),
};
