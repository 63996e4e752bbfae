import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApiErrorCode, type ServiceError } from '@instainstru/platform';
import { AvailabilityError, AvailabilityErrorCode } from '../../services/availability/src/domain/availability.errors';
import { BookingError, BookingErrorCode } from '../../services/booking/src/domain/booking.errors';
import { CatalogError, CatalogErrorCode } from '../../services/catalog/src/domain/catalog.errors';
import { InstructorError, InstructorErrorCode } from '../../services/instructor/src/domain/instructor.errors';
import { PartnersError, PartnersErrorCode } from '../../services/partners/src/domain/partners.errors';
import { ReviewsError, ReviewsErrorCode } from '../../services/reviews/src/domain/reviews.errors';

const doc = readFileSync(resolve(__dirname, '../../docs/errors.md'), 'utf8');

const services: [string, Record<string, string>, (code: string) => ServiceError][] = [
  ['catalog', CatalogErrorCode, (c) => new CatalogError(c as CatalogErrorCode, 'x')],
  ['instructor', InstructorErrorCode, (c) => new InstructorError(c as InstructorErrorCode, 'x')],
  ['availability', AvailabilityErrorCode, (c) => new AvailabilityError(c as AvailabilityErrorCode, 'x')],
  ['booking', BookingErrorCode, (c) => new BookingError(c as BookingErrorCode, 'x')],
  ['reviews', ReviewsErrorCode, (c) => new ReviewsError(c as ReviewsErrorCode, 'x')],
  ['partners', PartnersErrorCode, (c) => new PartnersError(c as PartnersErrorCode, 'x')],
];

describe('error codes are documented in one place', () => {
  it.each(Object.values(ApiErrorCode))('%s is documented', (code) => {
    expect(doc).toContain(`| \`${code}\``);
  });

  it.each(services)('every %s reason is documented with the code it maps to', (service, codes, make) => {
    for (const reason of Object.values(codes)) {
      expect(doc).toContain(`| ${service} | \`${reason}\` | \`${make(reason).apiCode}\` |`);
    }
  });
});
