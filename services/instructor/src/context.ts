import type { Caller } from '@instainstru/platform';
import type { InstructorProfiles } from './domain/instructor-profiles.service';

export interface InstructorContext {
  caller: Caller;
  profiles: InstructorProfiles;
}
