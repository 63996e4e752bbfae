import { isUuid } from '@instainstru/platform';
import type { InstructorReads } from './instructor.ports';
import type { InstructorProfile } from './instructor.types';

/** A profile by id, or null (also for ids that cannot be one). */
export async function loadProfile(reads: InstructorReads, id: string): Promise<InstructorProfile | null> {
  if (!isUuid(id)) return null;
  const [profile] = await reads.findByIds([id]);
  return profile ?? null;
}
