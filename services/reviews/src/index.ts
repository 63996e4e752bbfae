import { runService } from '@instainstru/platform';
import { migrations } from './migrations';
import { createReviewsModule } from './module';

runService({ service: 'reviews', migrations, createModule: (deps) => createReviewsModule(deps) });
