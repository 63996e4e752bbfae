import type { Resolvers } from '../__generated__/resolvers-types';
import { AvailabilityWeek } from './AvailabilityWeek';
import { Query } from './Query';

export const resolvers: Resolvers = { Query, AvailabilityWeek };
