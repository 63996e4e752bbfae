import { RequestGate } from './request-gate';

describe('the Stripe request gate', () => {
  afterEach(() => jest.useRealTimers());

  it('never lets more than the rate through in any second, however many calls wait', async () => {
    jest.useFakeTimers({ now: 0 });
    const gate = new RequestGate(50, () => Date.now());
    const passed: number[] = [];
    const all = Promise.all(Array.from({ length: 120 }, () => gate.pass().then(() => passed.push(Date.now()))));
    await jest.advanceTimersByTimeAsync(5_000);
    await all;
    expect(passed).toHaveLength(120);
    for (let i = 0; i + 50 < passed.length; i += 1) expect(passed[i + 50]! - passed[i]!).toBeGreaterThanOrEqual(1000);
    // …and lets them through about as fast as the rate allows: 120 calls at 50/s in about 2.4 s.
    expect(passed.at(-1)).toBeLessThanOrEqual(2410);
  });

  it('lets a call through at once when the rate leaves room', async () => {
    let now = 10_000;
    const gate = new RequestGate(10, () => now);
    await gate.pass();
    now += 500;
    const started = Date.now();
    await gate.pass();
    expect(Date.now() - started).toBeLessThan(50);
  });
});
