import DataLoader from 'dataloader';
import { hasRole, type Caller } from '@instainstru/platform';
import { InstructorError, InstructorErrorCode } from './instructor.errors';
import type { InstructorProfile, InstructorRepository } from './instructor.types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who may see a profile: anyone when live; otherwise its own instructor and admins. */
export function canView(caller: Caller, profile: InstructorProfile): boolean {
  return profile.isLive || hasRole(caller, 'admin') || caller.userId === profile.userId;
}

/** Profile reads for one request, batched per request through a DataLoader. */
export class InstructorProfiles {
  private readonly loader: DataLoader<string, InstructorProfile | null>;

  constructor(
    repository: InstructorRepository,
    private readonly caller: Caller,
  ) {
    this.loader = new DataLoader(async (ids) => {
      const rows = new Map((await repository.findByIds(ids)).map((p) => [p.id, p]));
      return ids.map((id) => rows.get(id) ?? null);
    });
  }

  async visibleProfile(id: string): Promise<InstructorProfile | null> {
    if (!UUID.test(id)) return null;
    const profile = await this.loader.load(id);
    return profile && canView(this.caller, profile) ? profile : null;
  }

  async requireVisibleProfile(id: string): Promise<InstructorProfile> {
    const profile = await this.visibleProfile(id);
    if (!profile) throw new InstructorError(InstructorErrorCode.InstructorNotFound, `No instructor with id "${id}"`, { id });
    return profile;
  }
}
