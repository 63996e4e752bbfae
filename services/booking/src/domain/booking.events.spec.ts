import { createEnvelope, EventSchemaRegistry } from '@instainstru/events';
import { BookingEventType, bookingEventFor } from './booking.events';
import type { Booking } from './booking.types';

const schemas = new EventSchemaRegistry();

const confirmed: Booking = {
  id: '0f6f2d4e-3b1a-4c8e-9a7d-5e2b1c0d9f88',
  status: 'CONFIRMED',
  instructorId: '1b7c1f5e-52a4-4f3c-9d1e-3a1c4b9f0e11',
  instructorUserId: 'teacher-1',
  studentId: 'student-1',
  serviceId: '6a1d5c43-8f0e-4a55-9d55-0c9f6b3f2a01',
  startsAt: '2030-05-04T14:00:00.000Z',
  endsAt: '2030-05-04T15:00:00.000Z',
  durationMinutes: 60,
  lessonMode: 'online',
  price: { amountMinor: 6500, currency: 'USD' },
  paymentStatus: 'NOT_STARTED',
  notes: 'private: never in events',
  createdAt: '2030-05-01T10:00:00.000Z',
  confirmedAt: '2030-05-01T10:00:01.000Z',
  cancellation: null,
  completion: null,
  noShowMarkedAt: null,
};

const states: [string, Booking][] = [
  [BookingEventType.Confirmed, confirmed],
  [BookingEventType.Cancelled, { ...confirmed, status: 'CANCELLED', cancellation: { cancelledBy: 'STUDENT', reason: 'sick', cancelledAt: '2030-05-02T10:00:00.000Z' } }],
  [BookingEventType.Completed, { ...confirmed, status: 'COMPLETED', completion: { completedBy: 'SYSTEM', completedAt: '2030-05-05T15:00:00.000Z' } }],
  [BookingEventType.NoShow, { ...confirmed, status: 'NO_SHOW', noShowMarkedAt: '2030-05-04T14:20:00.000Z' }],
];

describe('booking events', () => {
  it.each(states)('%s carries the whole booking and matches its schema', (type, booking) => {
    const event = bookingEventFor(booking)!;
    expect(event.type).toBe(type);
    expect(event.aggregateId).toBe(booking.id);
    const envelope = createEnvelope(event);
    expect(() => schemas.validate(envelope)).not.toThrow();
    expect(envelope.payload).toMatchObject({ bookingId: booking.id, status: booking.status, price: booking.price, paymentStatus: 'NOT_STARTED' });
    expect(JSON.stringify(envelope.payload)).not.toContain('private');
  });

  it('is never published for a booking still being created', () => {
    expect(bookingEventFor({ ...confirmed, status: 'REQUESTED' })).toBeNull();
  });

  it('refuses a payload that breaks the schema', () => {
    const envelope = createEnvelope(bookingEventFor(confirmed)!);
    expect(() => schemas.validate({ ...envelope, payload: { ...envelope.payload, lessonMode: 'ONLINE' } })).toThrow(/Invalid payload/);
    expect(() => schemas.validate({ ...envelope, payload: { ...envelope.payload, extra: 1 } })).toThrow(/Invalid payload/);
    // Instants must be ISO 8601 with an offset; ids must be UUIDs.
    for (const startsAt of ['2026-11-24 10:00', '2026-11-24T10:00:00', 'tomorrow', '24/11/2026 10:00Z']) {
      expect(() => schemas.validate({ ...envelope, payload: { ...envelope.payload, startsAt } })).toThrow(/Invalid payload/);
    }
    expect(() => schemas.validate({ ...envelope, payload: { ...envelope.payload, bookingId: 'booking-1' } })).toThrow(/Invalid payload/);
    expect(() => schemas.validate({ ...envelope, occurredAt: '2026-11-24' })).toThrow(/Invalid event envelope/);
  });
});
