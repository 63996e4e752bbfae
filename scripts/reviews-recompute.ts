/**
 * `npm run reviews:recompute`: rebuilds every instructor's rating aggregates (overall, per service,
 * and the platform's totals) from the reviews table in one transaction, and says how many rows had
 * drifted from what the changes kept (0 when the incremental state was exact). Safe to run while the
 * service runs: review writes wait for the rebuild's few statements.
 */
import { createReviewsModule } from '../services/reviews/src/module';
import { withServiceDeps } from './lib/service-deps';

withServiceDeps('reviews', (deps) => createReviewsModule(deps).recomputeRatings())
  .then(({ drifted, instructors }) => {
    console.log(`reviews: ratings of ${instructors} instructors recomputed; ${drifted} aggregate rows had drifted${drifted ? ' and were repaired' : ''}`);
  })
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
