import type { Resolvers } from '../__generated__/resolvers-types';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { Instructor, InstructorRating, Review, ReviewableBooking, ServiceRating } from './Review';

export const resolvers: Resolvers = { Query, Mutation, Review, Instructor, InstructorRating, ServiceRating, ReviewableBooking };
