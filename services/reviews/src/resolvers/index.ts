import type { Resolvers } from '../__generated__/resolvers-types';
import { Query } from './Query';
import { Review } from './Review';

export const resolvers: Resolvers = { Query, Review };
