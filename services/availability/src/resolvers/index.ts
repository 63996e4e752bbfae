import type { Resolvers } from '../__generated__/resolvers-types';
import { AvailabilityWeek } from './AvailabilityWeek';
import { Instructor } from './Instructor';
import { Mutation } from './Mutation';
import { Query } from './Query';

export const resolvers: Resolvers = { Query, Mutation, AvailabilityWeek, Instructor };
