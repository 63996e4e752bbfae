import { runService } from '@instainstru/platform';
import { migrations } from './migrations';
import { createInstructorModule } from './module';

runService({ service: 'instructor', migrations, createModule: (deps) => createInstructorModule(deps) });
