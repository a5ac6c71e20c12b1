import type { Environment, Row } from './types';

/** Fixed values for the harness's unit tests. */
export const ENVIRONMENT: Environment = {
  node: 'v20.0.0',
  v8: '11.3',
  os: 'Linux 6.1 x64',
  cpuModel: 'Test CPU',
  cores: 2,
  memoryGiB: 8,
  loadAverage: [0.5, 0.25, 0.125],
  gitCommit: '0123456789abcdef0123456789abcdef01234567',
  gitDirty: false,
};

export function row(overrides: Partial<Row> = {}): Row {
  return {
    suite: 'fold',
    case: 'apply',
    metric: 'eventsPerSec',
    unit: 'events/s',
    better: 'higher',
    value: 250_000,
    min: 240_000,
    max: 260_000,
    samples: [240_000, 250_000, 260_000],
    reference: { name: 'plain Map.set', value: 1_000_000, min: 1_000_000, max: 1_000_000, samples: [1_000_000] },
    ratio: 0.25,
    params: { events: 100_000 },
    environment: ENVIRONMENT,
    ...overrides,
  };
}
