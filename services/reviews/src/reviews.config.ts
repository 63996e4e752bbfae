import { readConfig } from '@instainstru/platform';
import { z } from 'zod';

const envSchema = z.object({
  REVIEW_WINDOW_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  REVIEW_EDIT_WINDOW_HOURS: z.coerce.number().int().min(0).max(24 * 30).default(48),
});

/** The review rules the reviews service is the authority on (DESIGN §7). */
export interface ReviewsConfig {
  /** A completed lesson may be reviewed for this long after its completion. */
  windowDays: number;
  /** Its student may edit a review for this long after writing it, until the instructor responds. */
  editWindowHours: number;
}

export function loadReviewsConfig(env: NodeJS.ProcessEnv = process.env): ReviewsConfig {
  const e = readConfig('reviews', envSchema, env);
  return { windowDays: e.REVIEW_WINDOW_DAYS, editWindowHours: e.REVIEW_EDIT_WINDOW_HOURS };
}
