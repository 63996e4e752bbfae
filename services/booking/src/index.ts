import { runService } from '@instainstru/platform';
import { migrations } from './migrations';
import { createBookingModule } from './module';

runService({ service: 'booking', migrations, createModule: (deps) => createBookingModule(deps) });
