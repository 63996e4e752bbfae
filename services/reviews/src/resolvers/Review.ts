import type { InstructorRatingResolvers, InstructorResolvers, ReviewableBookingResolvers, ReviewResolvers, ServiceRatingResolvers } from '../__generated__/resolvers-types';

export const Review: ReviewResolvers = {
  __resolveReference: (ref, { reviews }) => reviews.review(ref.id),
  instructor: (review) => ({ id: review.instructorId }),
  service: (review) => ({ id: review.serviceId }),
  editableUntil: (review, _, { reviews }) => reviews.editableUntil(review),
};

export const Instructor: InstructorResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  reviews: (instructor, args, { reviews }) => reviews.reviewsOf(instructor.id, args),
  rating: (instructor, _, { reviews }) => reviews.ratingOf(instructor.id),
};

export const InstructorRating: InstructorRatingResolvers = {};

export const ServiceRating: ServiceRatingResolvers = {
  service: (rating) => ({ id: rating.serviceId }),
};

export const ReviewableBooking: ReviewableBookingResolvers = {
  instructor: (lesson) => ({ id: lesson.instructorId }),
  service: (lesson) => ({ id: lesson.serviceId }),
  completedAt: (lesson) => lesson.completedAt!,
};
