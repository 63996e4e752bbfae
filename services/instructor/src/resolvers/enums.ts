import type { AgeGroupResolvers, LessonModeResolvers, SkillLevelResolvers } from '../__generated__/resolvers-types';

/** GraphQL's enum names for the product's own words (what Postgres stores and events carry). */
export const AgeGroup: AgeGroupResolvers = { KIDS: 'kids', TEENS: 'teens', ADULTS: 'adults' };
export const SkillLevel: SkillLevelResolvers = { BEGINNER: 'beginner', INTERMEDIATE: 'intermediate', ADVANCED: 'advanced' };
export const LessonMode: LessonModeResolvers = { AT_STUDIO: 'at_studio', AT_STUDENT_PLACE: 'at_student_place', ONLINE: 'online' };
