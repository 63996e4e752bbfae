export interface TimeSlot {
  dayOfWeek: number;
  startTime: string;
  endTime: string;
}

export interface AvailabilityWeek {
  instructorId: string;
  weekStart: string;
  timezone: string | null;
  slots: TimeSlot[];
  version: string;
}

export interface AvailabilityRepository {
  findWeek(instructorId: string, weekStart: string): Promise<AvailabilityWeek | null>;
}
