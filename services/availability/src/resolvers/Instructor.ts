import type { InstructorResolvers } from '../__generated__/resolvers-types';

export const Instructor: InstructorResolvers = {
  __resolveReference: (ref) => ({ __typename: 'Instructor', id: ref.id }),
  nextAvailableSlots: ({ id }, { first, durationMinutes }, { nextSlots }) => nextSlots.load({ instructorId: id, first, durationMinutes }),
};
