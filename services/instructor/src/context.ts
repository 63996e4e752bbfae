import type { Caller } from '@instainstru/platform';
import type { InstructorProfiles } from './domain/instructor-profiles.service';
import type { LiveStatus } from './domain/live-status.service';
import type { OfferedServices } from './domain/offered-services.service';
import type { ProfileEditing } from './domain/profile-editing.service';
import type { Verification } from './domain/verification.service';

/** Per request: the caller and the use cases acting for them. */
export interface InstructorContext {
  caller: Caller;
  profiles: InstructorProfiles;
  profileEditing: ProfileEditing;
  offeredServices: OfferedServices;
  verification: Verification;
  liveStatus: LiveStatus;
}
