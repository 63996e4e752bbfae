import { runService } from '@instainstru/platform';
import { migrations } from './migrations';
import { createAvailabilityModule } from './module';

runService({ service: 'availability', migrations, createModule: (deps) => createAvailabilityModule(deps) });
