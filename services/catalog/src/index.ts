import { runService } from '@instainstru/platform';
import { migrations } from './migrations';
import { createCatalogModule } from './module';

runService({ service: 'catalog', migrations, createModule: (deps) => createCatalogModule(deps) });
