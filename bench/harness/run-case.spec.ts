import { sampleCase, toRows } from './run-case';
import { ENVIRONMENT } from './test-data';
import type { BenchCase, Sample, SampleContext } from './types';

/** A case whose measurements are scripted, recording the order in which the harness asked for them. */
function scriptedCase(values: number[], references: number[], calls: string[]): BenchCase {
  const next = (name: string, queue: number[]) => (ctx: SampleContext) => {
    calls.push(`${name}${ctx.warmUp ? ':warm-up' : ''}`);
    return Promise.resolve<Sample>({ opsPerSec: ctx.warmUp ? -1 : queue.shift()!, p99Ms: 1 });
  };
  return {
    name: 'case',
    params: { concurrency: 1 },
    metrics: [
      { name: 'opsPerSec', unit: 'ops/s', better: 'higher', goal: { op: '>=', value: 150 } },
      { name: 'p99Ms', unit: 'ms', better: 'lower' },
    ],
    measure: next('value', values),
    reference: { name: 'ref', description: 'the reference', measure: next('reference', references) },
  };
}

describe('sampleCase', () => {
  it('warms both sides up, then alternates which goes first', async () => {
    const calls: string[] = [];
    const gcs: number[] = [];
    const samples = await sampleCase(
      scriptedCase([100, 200, 300], [400, 400, 400], calls),
      { warmUps: 1, repeats: 3 },
      () => gcs.push(calls.length),
    );
    expect(calls).toEqual([
      'value:warm-up',
      'reference:warm-up',
      'value',
      'reference',
      'reference',
      'value',
      'value',
      'reference',
    ]);
    expect(gcs).toHaveLength(calls.length); // the hook runs before every sample
    expect(samples.values.map((s) => s.opsPerSec)).toEqual([100, 200, 300]);
  });

  it('fails when a sample lacks a metric', async () => {
    const bad: BenchCase = {
      ...scriptedCase([1], [1], []),
      measure: () => Promise.resolve({ opsPerSec: 1 }),
    };
    await expect(sampleCase(bad, { warmUps: 0, repeats: 1 })).rejects.toThrow('no finite "p99Ms"');
  });
});

describe('toRows', () => {
  it('makes one row per metric with medians, spread, ratio and goal', async () => {
    const benchCase = scriptedCase([100, 300, 200], [400, 400, 400], []);
    const samples = await sampleCase(benchCase, { warmUps: 0, repeats: 3 });
    const [ops, p99] = toRows('suite', benchCase, samples, ENVIRONMENT);
    expect(ops).toMatchObject({
      suite: 'suite',
      case: 'case',
      metric: 'opsPerSec',
      unit: 'ops/s',
      better: 'higher',
      value: 200,
      min: 100,
      max: 300,
      reference: { name: 'ref', value: 400, min: 400, max: 400 },
      ratio: 0.5,
      params: { concurrency: 1 },
      goal: { op: '>=', value: 150 },
      goalMet: true,
      environment: ENVIRONMENT,
    });
    expect(p99).toMatchObject({ metric: 'p99Ms', better: 'lower', ratio: 1 });
    expect(p99).not.toHaveProperty('goal');
  });

  it('checks a ratio goal against value / reference, not against the value', async () => {
    const base = scriptedCase([200], [400], []);
    const withRatioGoal = (value: number): BenchCase => ({
      ...base,
      metrics: [{ name: 'opsPerSec', unit: 'ops/s', better: 'higher', goal: { op: '>=', value, of: 'ratio' } }],
    });
    const samples = await sampleCase(base, { warmUps: 0, repeats: 1 });
    expect(toRows('suite', withRatioGoal(0.5), samples, ENVIRONMENT)[0]).toMatchObject({ ratio: 0.5, goalMet: true });
    expect(toRows('suite', withRatioGoal(1), samples, ENVIRONMENT)[0]).toMatchObject({ ratio: 0.5, goalMet: false });
  });

  it('fails a ratio goal when the reference is 0 (no ratio)', async () => {
    const base = scriptedCase([200], [0], []);
    const benchCase: BenchCase = {
      ...base,
      metrics: [{ name: 'opsPerSec', unit: 'ops/s', better: 'higher', goal: { op: '>=', value: 1, of: 'ratio' } }],
    };
    const samples = await sampleCase(benchCase, { warmUps: 0, repeats: 1 });
    expect(toRows('suite', benchCase, samples, ENVIRONMENT)[0]).toMatchObject({ ratio: null, goalMet: false });
  });
});
