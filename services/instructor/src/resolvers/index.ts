import type { Resolvers } from '../__generated__/resolvers-types';
import { Instructor } from './Instructor';
import { Query } from './Query';

export const resolvers: Resolvers = { Query, Instructor };
