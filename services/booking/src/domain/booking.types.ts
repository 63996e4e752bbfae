export type BookingStatus = 'REQUESTED' | 'CONFIRMED' | 'COMPLETED' | 'CANCELLED' | 'NO_SHOW';

export interface Booking {
  id: string;
  status: BookingStatus;
  instructorId: string;
  instructorUserId: string;
  studentId: string;
  startsAt: string;
  endsAt: string;
}

export interface BookingRepository {
  findById(id: string): Promise<Booking | null>;
}
