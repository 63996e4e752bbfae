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
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration for partners: ${problems}`);
  }
  return { reprojectIntervalMs: parsed.data.PARTNER_KEYS_REPROJECT_INTERVAL_MS };
}
