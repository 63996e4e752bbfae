export interface Review {
  id: string;
  bookingId: string;
  instructorId: string;
  rating: number;
  text: string | null;
  createdAt: string;
}
