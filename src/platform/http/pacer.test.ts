import { describe, expect, it } from "vitest";
import { Pacer } from "./pacer.js";

/**
 * A virtual event loop: timers fire in time order, each late by a random amount up to
 * `maxLateMs`, as a busy loop's do; `run` drives it until nothing is pending.
 */
function virtualLoop(seed: number, maxLateMs: number) {
  let now = 0;
  let state = seed;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const timers: { at: number; resolve: () => void }[] = [];
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      timers.push({ at: now + Math.max(0, ms) + random() * maxLateMs, resolve });
    });
  const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    now: () => now,
    wait,
    async run(): Promise<void> {
      await flush();
      while (timers.length > 0) {
        timers.sort((a, b) => a.at - b.at);
        const timer = timers.shift()!;
        now = Math.max(now, timer.at);
        timer.resolve();
        await flush();
      }
    },
  };
}

/** `callers` callers each sending `each` requests through `take`, `wireMs` on the wire each. */
async function simulate(
  loop: ReturnType<typeof virtualLoop>,
  take: () => Promise<void>,
  callers: number,
  each: number,
  wireMs = 20,
): Promise<number[]> {
  const times: number[] = [];
  const caller = async () => {
    for (let i = 0; i < each; i++) {
      await take();
      times.push(loop.now());
      await loop.wait(wireMs);
    }
  };
  const done = Promise.all(Array.from({ length: callers }, caller));
  await loop.run();
  await done;
  return times.sort((a, b) => a - b);
}

/** The most requests that left within any `window` milliseconds. */
function busiestWindow(times: number[], window: number): number {
  let most = 0;
  let first = 0;
  for (let last = 0; last < times.length; last++) {
    while (times[last]! - times[first]! >= window) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

describe("Pacer", () => {
  it("never lets more than the rate through in any one-second window, even when timers fire late", async () => {
    const loop = virtualLoop(7, 30);
    const pacer = new Pacer(200, loop.wait, 15, loop.now);
    const times = await simulate(loop, () => pacer.take(), 16, 200);
    expect(busiestWindow(times, 1000)).toBeLessThanOrEqual(200);
    // And it still keeps the pace: 3,200 requests at 200/s take 16 s, here not 5% more.
    expect(times.at(-1)! / 1000).toBeLessThan(16 * 1.05);
  });

  // The check on the test above: the same loop, paced evenly without the window, does let a
  // burst through, so the simulation can catch what the window is there to prevent.
  it("the simulation has teeth: even spacing alone lets late timers push over the limit", async () => {
    const loop = virtualLoop(7, 30);
    let next = 0;
    const evenOnly = async () => {
      const slot = Math.max(loop.now(), next);
      next = slot + 5;
      if (slot > loop.now()) await loop.wait(slot - loop.now());
    };
    const times = await simulate(loop, evenOnly, 16, 200);
    expect(busiestWindow(times, 1000)).toBeGreaterThan(200);
  });

  it("spaces requests evenly at low rates", async () => {
    const loop = virtualLoop(3, 0);
    const pacer = new Pacer(3, loop.wait, 15, loop.now);
    const times = await simulate(loop, () => pacer.take(), 4, 3);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(333);
    expect(busiestWindow(times, 1000)).toBeLessThanOrEqual(3);
  });

  it("slows down by 2% per short 429 and recovers after 500 clean answers", async () => {
    const loop = virtualLoop(5, 0);
    const pacer = new Pacer(100, loop.wait, 0, loop.now);
    pacer.throttled();
    let times = await simulate(loop, () => pacer.take(), 1, 3, 0);
    expect(times[2]! - times[1]!).toBeCloseTo(1000 / 98, 5);
    for (let i = 0; i < 500; i++) pacer.answered();
    times = await simulate(loop, () => pacer.take(), 1, 3, 0);
    expect(times[2]! - times[1]!).toBeCloseTo(1000 / (98 * 1.01), 5);
  });
});
