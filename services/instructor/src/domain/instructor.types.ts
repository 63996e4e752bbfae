export interface InstructorProfile {
  id: string;
  userId: string;
  displayName: string;
  bio: string | null;
  timezone: string;
  isLive: boolean;
}

export interface InstructorRepository {
  findByIds(ids: readonly string[]): Promise<InstructorProfile[]>;
}
