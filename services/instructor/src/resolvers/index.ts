import type { Resolvers } from '../__generated__/resolvers-types';
import { BackgroundCheck } from './BackgroundCheck';
import { AgeGroup, LessonMode, SkillLevel } from './enums';
import { Instructor } from './Instructor';
import { InstructorPrivateDetails } from './InstructorPrivateDetails';
import { Mutation } from './Mutation';
import { OfferedService } from './OfferedService';
import { Query } from './Query';

export const resolvers: Resolvers = {
  Query,
  Mutation,
  Instructor,
  InstructorPrivateDetails,
  OfferedService,
  BackgroundCheck,
  AgeGroup,
  SkillLevel,
  LessonMode,
};
