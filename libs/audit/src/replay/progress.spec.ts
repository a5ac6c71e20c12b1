import { ProgressMeter, etaMs } from './progress';

describe('etaMs', () => {
  it('is the work left over the rate, 0 when done, unknown without a rate', () => {
    expect(etaMs(5_000, 1_000)).toBe(5_000);
    expect(etaMs(0, 1_000)).toBe(0);
    expect(etaMs(-1, 0)).toBe(0);
    expect(etaMs(10, 0)).toBeNull();
  });
});

describe('ProgressMeter', () => {
  it('takes the first rate as measured, then smooths later ones', () => {
    let now = 0;
    const meter = new ProgressMeter(10_000, () => now, 1_000);
    expect(meter.sample(0)).toMatchObject({ done: 0, total: 10_000, ratePerSecond: 0, etaMs: null });
    now = 1_000;
    expect(meter.sample(1_000)).toMatchObject({ ratePerSecond: 1_000, etaMs: 9_000, elapsedMs: 1_000 });
    // Twice as fast for one time constant: the rate moves 1 - 1/e of the way.
    now = 2_000;
    const faster = meter.sample(3_000);
    expect(faster.ratePerSecond).toBeCloseTo(1_000 + (1 - Math.exp(-1)) * 1_000, 6);
    expect(faster.etaMs).toBe(Math.round((7_000 / faster.ratePerSecond) * 1000));
  });

  it('ignores a sample taken at the same instant and reports 0 left at the end', () => {
    let now = 0;
    const meter = new ProgressMeter(100, () => now);
    now = 500;
    meter.sample(50);
    expect(meter.sample(60).ratePerSecond).toBe(100);
    expect(meter.sample(100, 'log')).toMatchObject({ etaMs: 0, source: 'log' });
  });
});
