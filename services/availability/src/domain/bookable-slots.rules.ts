import { MAX_PAGE_SIZE } from '@instainstru/platform';
import type { Interval } from './availability.types';

/** Lessons start on the quarter hour. */
export const START_GRID_MINUTES = 15;
export const MAX_DURATION_MINUTES = 240;
export const MAX_RANGE_DAYS = 31;
export const DEFAULT_DURATION_MINUTES = 60;
export const DEFAULT_NEXT_SLOTS = 5;
/** The page-size rule's limit, for the next free slots. */
export const MAX_NEXT_SLOTS = MAX_PAGE_SIZE;

const MINUTE = 60_000;

export interface BookableSearch {
  durationMinutes: number;
  bufferMinutes: number;
  /** No start before this (now plus the minimum notice). */
  earliestStart: Date;
  /** No start after this (now plus the booking horizon). */
  latestStart: Date;
  /** Stop after this many starts. */
  limit?: number;
}

/**
 * The lesson starts a hold would accept: on the quarter-hour grid, the whole lesson inside one
 * (joined) window, and the lesson plus its buffer clear of every active hold's blocked range (a
 * hold blocks its lesson plus the buffer after it). `windows` are sorted and disjoint.
 */
export function bookableStarts(windows: readonly Interval[], blocks: readonly Interval[], search: BookableSearch): Interval[] {
  const grid = START_GRID_MINUTES * MINUTE;
  const duration = search.durationMinutes * MINUTE;
  const blockedFor = duration + search.bufferMinutes * MINUTE;
  const earliest = search.earliestStart.getTime();
  const latest = search.latestStart.getTime();
  const starts: Interval[] = [];
  for (const window of windows) {
    const from = Math.max(window.start.getTime(), earliest);
    for (let t = Math.ceil(from / grid) * grid; t + duration <= window.end.getTime() && t <= latest; t += grid) {
      const clear = blocks.every((b) => !(b.start.getTime() < t + blockedFor && t < b.end.getTime()));
      if (!clear) continue;
      starts.push({ start: new Date(t), end: new Date(t + duration) });
      if (search.limit !== undefined && starts.length >= search.limit) return starts;
    }
  }
  return starts;
}
