/** The booking API as a student's app calls it through the gateway. */

export const BOOKING_FIELDS = `id status studentId startsAt endsAt durationMinutes lessonMode paymentStatus notes createdAt noShowMarkedAt
  instructor { id } service { id } price { amountMinor currency }
  cancellation { cancelledBy reason cancelledAt } completion { completedBy completedAt }`;

export const CREATE_BOOKING = `mutation($input: CreateBookingInput!) { createBooking(input: $input) { ${BOOKING_FIELDS} } }`;
export const CANCEL_BOOKING = `mutation($id: ID!, $reason: String) { cancelBooking(id: $id, reason: $reason) { ${BOOKING_FIELDS} } }`;
export const COMPLETE_BOOKING = `mutation($id: ID!) { completeBooking(id: $id) { ${BOOKING_FIELDS} } }`;
export const MARK_NO_SHOW = `mutation($id: ID!) { markNoShow(id: $id) { ${BOOKING_FIELDS} } }`;
export const BOOKING_QUERY = `query($id: ID!) { booking(id: $id) { ${BOOKING_FIELDS} } }`;
