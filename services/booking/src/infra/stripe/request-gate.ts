/**
 * Spaces requests to stay under a rate (Stripe limits requests per second per account): each
 * `pass()` resolves at the next free slot, `1 / ratePerSecond` after the previous one, so however
 * many calls wait, the rate is never exceeded in this process.
 */
export class RequestGate {
  private next = 0;
  private readonly intervalMs: number;

  constructor(
    readonly ratePerSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.intervalMs = 1000 / ratePerSecond;
  }

  pass(): Promise<void> {
    const now = this.now();
    const at = Math.max(now, this.next);
    this.next = at + this.intervalMs;
    const wait = at - now;
    return wait <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, wait));
  }
}
