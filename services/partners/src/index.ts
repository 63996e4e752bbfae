import { runService } from '@instainstru/platform';
import { migrations } from './migrations';
import { createPartnersModule } from './module';

runService({ service: 'partners', migrations, createModule: (deps) => createPartnersModule(deps) });
