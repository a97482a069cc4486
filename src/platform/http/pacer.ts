/** Waits `ms` milliseconds on a real timer. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Spaces requests evenly at `rate` per second, over all callers: the platform sees a steady
 * stream, never a burst. Even spacing alone is not enough near the limit: a timer that fires
 * late pushes one request towards the next, and a platform that counts requests in a sliding
 * one-second window then sees one too many. So no request goes out before the `n`-th one
 * before it (n = the rate, rounded down) is a window plus a small margin old, counted from
 * when it really left. A 429 with a long Retry-After pauses everybody; a 429 at the shortest
 * Retry-After (1 s) means the platform counts a little differently from us, so the pace
 * drops by 2% instead, and creeps back up by 1% per 500 answers without one.
 */
export class Pacer {
  private next = 0;
  private rate: number;
  private since = 0;
  /** When the last requests left, as a ring: `sent[k % size]` for the k-th request. */
  private readonly sent: Float64Array;
  private taken = 0;

  constructor(
    private readonly configured: number,
    private readonly wait: (ms: number) => Promise<void> = sleep,
    /** Milliseconds added to the window, for the time a request takes to reach the platform. */
    private readonly margin = 15,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.rate = configured;
    this.sent = new Float64Array(Math.max(1, Math.floor(configured))).fill(-Infinity);
  }

  async take(): Promise<void> {
    const now = this.clock();
    const n = Math.max(1, Math.min(this.sent.length, Math.floor(this.rate)));
    const k = this.taken++;
    const windowStart =
      k >= n ? this.sent[(k - n) % this.sent.length]! + (1000 * n) / this.rate + this.margin : -Infinity;
    const slot = Math.max(now, this.next, windowStart);
    this.next = slot + 1000 / this.rate;
    const index = k % this.sent.length;
    this.sent[index] = slot;
    if (slot > now) await this.wait(slot - now);
    this.sent[index] = Math.max(slot, this.clock());
  }

  pauseFor(ms: number): void {
    this.next = Math.max(this.next, this.clock() + ms);
  }

  throttled(): void {
    this.rate = Math.max(this.configured / 10, this.rate * 0.98);
    this.since = 0;
  }

  answered(): void {
    if (++this.since >= 500 && this.rate < this.configured) {
      this.rate = Math.min(this.configured, this.rate * 1.01);
      this.since = 0;
    }
  }
}
