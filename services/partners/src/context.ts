import type { Caller } from '@instainstru/platform';
import type { PartnerApiKeys } from './domain/partner-api-keys.service';

/** Per request: the caller and the key use cases (each checks the caller itself). */
export interface PartnersContext {
  caller: Caller;
  keys: PartnerApiKeys;
}
