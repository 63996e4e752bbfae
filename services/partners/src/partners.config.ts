import { readConfig } from '@instainstru/platform';
import { z } from 'zod';

const envSchema = z.object({
  /** How often the worker rebuilds the key projection in Redis (and at its start). */
  PARTNER_KEYS_REPROJECT_INTERVAL_MS: z.coerce.number().int().positive().default(60_000),
});

export interface PartnersConfig {
  reprojectIntervalMs: number;
}

/** The partners service's own settings, on top of the platform's. */
export function loadPartnersConfig(env: NodeJS.ProcessEnv = process.env): PartnersConfig {
  const e = readConfig('partners', envSchema, env);
  return { reprojectIntervalMs: e.PARTNER_KEYS_REPROJECT_INTERVAL_MS };
}
