import { InstructorInitial1763900000000 } from './1763900000000-instructor-initial';
import { InstructorOutboxEnvelopeText1764400000000 } from './1764400000000-instructor-outbox-envelope-text';
import { InstructorIssuedUploads1764600000000 } from './1764600000000-instructor-issued-uploads';
import { InstructorUploadRequestWindows1764700000000 } from './1764700000000-instructor-upload-request-windows';
import { InstructorPayoutAccountRevision1765100000000 } from './1765100000000-instructor-payout-account-revision';

/** Every instructor-service migration, oldest first. */
export const migrations = [
  InstructorInitial1763900000000,
  InstructorOutboxEnvelopeText1764400000000,
  InstructorIssuedUploads1764600000000,
  InstructorUploadRequestWindows1764700000000,
  InstructorPayoutAccountRevision1765100000000,
];
