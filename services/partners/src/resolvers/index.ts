import type { Resolvers } from '../__generated__/resolvers-types';
import { PartnerScope } from './enums';
import { Mutation } from './Mutation';
import { Query } from './Query';

export const resolvers: Resolvers = { Query, Mutation, PartnerScope };
