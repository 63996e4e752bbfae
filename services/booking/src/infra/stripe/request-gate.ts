/**
 * Keeps Stripe calls under a rate (Stripe limits requests per second per account): a call passes
 * when fewer than `ratePerSecond` calls passed in the last second (by the times they actually
 * passed, so a timer firing late never lets a burst through) and at least 1/rate after the previous
 * one (smooth, not bursts at each second's start). Holds in this process; replicas share the
 * account's limit, so each is given its part of it.
 */
export class RequestGate {
  private readonly recent: number[] = [];
  private next = 0;
  private readonly spacingMs: number;

  constructor(
    readonly ratePerSecond: number,
    private readonly now: () => number = () => performance.now(),
    /** Told of every call let through, when it goes (a bench counts calls per second with it). */
    private readonly onPass?: () => void,
  ) {
    this.spacingMs = 1000 / ratePerSecond;
  }

  async pass(): Promise<void> {
    for (;;) {
      const now = this.now();
      while (this.recent.length > 0 && now - this.recent[0]! >= 1000) this.recent.shift();
      const full = this.recent.length >= this.ratePerSecond;
      if (!full && now >= this.next) {
        this.recent.push(now);
        this.next = now + this.spacingMs;
        this.onPass?.();
        return;
      }
      const wait = Math.max(full ? this.recent[0]! + 1000 - now : 0, this.next - now, 1);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
