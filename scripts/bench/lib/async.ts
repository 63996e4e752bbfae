/** Rejects after `ms` with `message` unless `work` settles first. */
export async function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Lets the previous measurement's leftovers go before the next one is measured: its garbage (a
 * collection of it would otherwise land in the next one's time; HTTP calls leave far more than
 * in-process ones) and its closing connections. Collects at once when run with --expose-gc (as
 * `npm run bench:booking` and `npm run bench:credits` do), then pauses briefly.
 */
export async function settle(): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, 250));
}

/** Runs `work` over `items`, `concurrency` at a time; the results in the items' order. */
export async function inParallel<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i]!);
    }),
  );
  return results;
}
