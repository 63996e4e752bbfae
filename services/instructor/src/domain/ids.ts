import type { InstructorReads } from './instructor.ports';
import type { InstructorProfile } from './instructor.types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (id: string): boolean => UUID.test(id);

/** A profile by id, or null (also for ids that cannot be one). */
export async function loadProfile(reads: InstructorReads, id: string): Promise<InstructorProfile | null> {
  if (!isUuid(id)) return null;
  const [profile] = await reads.findByIds([id]);
  return profile ?? null;
}
