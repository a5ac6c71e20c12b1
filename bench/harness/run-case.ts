import { meetsGoal, ratio, summarize } from './stats';
import type { BenchCase, Environment, Row, RunSettings, Sample, SampleContext } from './types';

export interface CaseSamples {
  readonly values: readonly Sample[];
  readonly references: readonly Sample[];
}

/**
 * Warm-ups (thrown away), then `repeats` runs of the case and of its reference, alternating which goes
 * first so that a machine getting slower or faster during the run does not favour either side.
 */
export async function sampleCase(
  benchCase: BenchCase,
  settings: Pick<RunSettings, 'warmUps' | 'repeats'>,
  beforeSample: () => void = () => undefined,
): Promise<CaseSamples> {
  const run = async (which: 'value' | 'reference', ctx: SampleContext): Promise<Sample> => {
    beforeSample();
    const measure = which === 'value' ? benchCase.measure : benchCase.reference.measure;
    return checkSample(benchCase, await measure(ctx), which);
  };
  for (let i = 0; i < settings.warmUps; i++) {
    await run('value', { warmUp: true });
    await run('reference', { warmUp: true });
  }
  const values: Sample[] = [];
  const references: Sample[] = [];
  for (let i = 0; i < settings.repeats; i++) {
    if (i % 2 === 0) {
      values.push(await run('value', { warmUp: false }));
      references.push(await run('reference', { warmUp: false }));
    } else {
      references.push(await run('reference', { warmUp: false }));
      values.push(await run('value', { warmUp: false }));
    }
  }
  return { values, references };
}

function checkSample(benchCase: BenchCase, sample: Sample, which: string): Sample {
  for (const metric of benchCase.metrics) {
    if (!Number.isFinite(sample[metric.name])) {
      throw new Error(
        `${benchCase.name}: the ${which} sample has no finite "${metric.name}" (${JSON.stringify(sample)})`,
      );
    }
  }
  return sample;
}

/** One row per metric: medians, min/max, ratio and goal. */
export function toRows(suite: string, benchCase: BenchCase, samples: CaseSamples, environment: Environment): Row[] {
  return benchCase.metrics.map((metric) => {
    const value = summarize(samples.values.map((s) => s[metric.name]));
    const reference = summarize(samples.references.map((s) => s[metric.name]));
    const valueToReference = ratio(value.value, reference.value);
    const goalInput = metric.goal?.of === 'ratio' ? valueToReference : value.value;
    return {
      suite,
      case: benchCase.name,
      metric: metric.name,
      unit: metric.unit,
      better: metric.better,
      ...value,
      reference: { name: benchCase.reference.name, ...reference },
      ratio: valueToReference,
      params: benchCase.params,
      ...(metric.goal ? { goal: metric.goal, goalMet: goalInput !== null && meetsGoal(goalInput, metric.goal) } : {}),
      environment,
    };
  });
}
