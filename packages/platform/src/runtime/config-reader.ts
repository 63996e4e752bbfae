import type { z } from 'zod';

/**
 * A configuration that cannot run, with every problem found, in one format wherever it is read:
 * `Invalid configuration for <name>: <problem>; <problem>`.
 */
export class InvalidConfigError extends Error {
  constructor(
    /** The service (or `gateway`) whose configuration it is. */
    readonly configName: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid configuration for ${configName}: ${problems.join('; ')}`);
    this.name = 'InvalidConfigError';
  }
}

/**
 * Reads `env` through a zod schema of its variables: the typed, defaulted values, or an
 * InvalidConfigError naming each variable that is wrong (`PORT: Too big: …`).
 */
export function readConfig<Schema extends z.ZodType>(name: string, schema: Schema, env: NodeJS.ProcessEnv = process.env): z.output<Schema> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new InvalidConfigError(name, parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  return parsed.data;
}
