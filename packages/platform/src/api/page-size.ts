/** The page-size rule of every connection and sliced list in the API: `first` from 1 to 50. */
export const MAX_PAGE_SIZE = 50;

/** Whether `first` keeps the page-size rule; each service answers a breach with its own error. */
export function isPageSize(first: unknown): first is number {
  return Number.isInteger(first) && (first as number) >= 1 && (first as number) <= MAX_PAGE_SIZE;
}
