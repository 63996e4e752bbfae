import type { Resolvers } from '../__generated__/resolvers-types';
import { Category } from './Category';
import { Query } from './Query';
import { Service } from './Service';

export const resolvers: Resolvers = { Query, Category, Service };
