import { createHash } from 'node:crypto';
import type { TimeSlot } from './availability.types';

/**
 * The version of a week is a hash of its full contents in canonical order, so equal contents
 * always give equal versions and any change gives a new one.
 */
export function weekVersion(timezone: string | null, slots: readonly TimeSlot[]): string {
  const canonical = [...slots]
    .sort((a, b) => a.dayOfWeek - b.dayOfWeek || a.startTime.localeCompare(b.startTime) || a.endTime.localeCompare(b.endTime))
    .map((s) => `${s.dayOfWeek}@${s.startTime}-${s.endTime}`)
    .join('|');
  return createHash('sha256').update(`${timezone ?? ''}#${canonical}`).digest('base64url').slice(0, 22);
}
