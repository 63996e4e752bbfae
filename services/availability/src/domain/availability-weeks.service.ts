import { AvailabilityError, AvailabilityErrorCode } from './availability.errors';
import type { AvailabilityRepository, AvailabilityWeek } from './availability.types';
import { weekVersion } from './week-version';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A week starts on a Monday, given as a calendar date YYYY-MM-DD. */
export function assertWeekStart(weekStart: string): void {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(weekStart);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  const valid = date !== null && date.toISOString().slice(0, 10) === weekStart && date.getUTCDay() === 1;
  if (!valid) {
    throw new AvailabilityError(AvailabilityErrorCode.InvalidWeekStart, `weekStart must be a Monday as YYYY-MM-DD, got "${weekStart.slice(0, 32)}"`, {
      weekStart: weekStart.slice(0, 32),
    });
  }
}

export class AvailabilityWeeks {
  constructor(private readonly repository: AvailabilityRepository) {}

  async week(instructorId: string, weekStart: string): Promise<AvailabilityWeek> {
    if (!UUID.test(instructorId)) {
      throw new AvailabilityError(AvailabilityErrorCode.InvalidInstructorId, 'instructorId must be a UUID', { instructorId: instructorId.slice(0, 64) });
    }
    assertWeekStart(weekStart);
    const stored = await this.repository.findWeek(instructorId, weekStart);
    return stored ?? { instructorId, weekStart, timezone: null, slots: [], version: weekVersion(null, []) };
  }
}
