import { InstructorInitial1763900000000 } from './1763900000000-instructor-initial';

/** Every instructor-service migration, oldest first. */
export const migrations = [InstructorInitial1763900000000];
