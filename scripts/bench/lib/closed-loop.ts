import { percentileSorted, Samples } from './stats';

export interface LoopResult {
  /** Completed operations per second. */
  ops: number;
  count: number;
  p50: number;
  p99: number;
}

/**
 * Runs `operation` from `concurrency` in-process workers for `seconds`, each starting its next
 * call when the previous one settles (closed loop). A failing call fails the run.
 */
export async function runClosedLoop(operation: () => Promise<unknown>, concurrency: number, seconds: number): Promise<LoopResult> {
  const latencies = new Samples();
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const worker = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      await operation();
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  const sorted = latencies.sorted();
  return { ops: latencies.length / elapsed, count: latencies.length, p50: percentileSorted(sorted, 50), p99: percentileSorted(sorted, 99) };
}
