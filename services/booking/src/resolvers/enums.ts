import type { LessonMode as ApiLessonMode } from '../__generated__/resolvers-types';
import type { LessonMode } from '../domain/booking.types';

/** GraphQL's enum names for the product's own words (what Postgres stores and events carry). */
const TO_API: Record<LessonMode, ApiLessonMode> = { at_studio: 'AT_STUDIO', at_student_place: 'AT_STUDENT_PLACE', online: 'ONLINE' };
const FROM_API: Record<ApiLessonMode, LessonMode> = { AT_STUDIO: 'at_studio', AT_STUDENT_PLACE: 'at_student_place', ONLINE: 'online' };

export const apiLessonMode = (mode: LessonMode): ApiLessonMode => TO_API[mode];
export const lessonModeOf = (mode: ApiLessonMode): LessonMode => FROM_API[mode];
