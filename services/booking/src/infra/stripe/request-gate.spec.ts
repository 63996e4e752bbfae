import { RequestGate } from './request-gate';

describe('the Stripe request gate', () => {
  it('never lets more than the rate through in any second, however many calls wait', async () => {
    const gate = new RequestGate(50);
    const passed: number[] = [];
    const started = performance.now();
    await Promise.all(Array.from({ length: 120 }, () => gate.pass().then(() => passed.push(performance.now() - started))));
    passed.sort((a, b) => a - b);
    for (let i = 0; i + 50 < passed.length; i += 1) {
      // The 51st call after any call comes at least a second later (a little timer slack allowed).
      expect(passed[i + 50]! - passed[i]!).toBeGreaterThanOrEqual(980);
    }
    expect(passed.at(-1)!).toBeGreaterThanOrEqual(2300);
  });
});
