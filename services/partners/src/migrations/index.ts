import { PartnersInitial1765000000000 } from './1765000000000-partners-initial';

/** Every partners migration, oldest first. */
export const migrations = [PartnersInitial1765000000000];
