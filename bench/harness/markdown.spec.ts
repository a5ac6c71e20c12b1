import { formatNumber, formatParams, formatRatio, renderMarkdown, renderRow, renderTable } from './markdown';
import { ENVIRONMENT, row } from './test-data';
import type { RunReport } from './types';

describe('formatNumber', () => {
  it('groups thousands and rounds from 100 up', () => {
    expect(formatNumber(1_234_567.8)).toBe('1,234,568');
    expect(formatNumber(100_000)).toBe('100,000');
    expect(formatNumber(123.6)).toBe('124');
  });

  it('keeps 3 significant digits below 100', () => {
    expect(formatNumber(12.345)).toBe('12.3');
    expect(formatNumber(0.27749)).toBe('0.277');
    expect(formatNumber(1.5)).toBe('1.5');
    expect(formatNumber(0)).toBe('0');
  });
});

describe('formatRatio and formatParams', () => {
  it('prints ratios with two decimals, n/a without a reference', () => {
    expect(formatRatio(0.4123)).toBe('0.41×');
    expect(formatRatio(4)).toBe('4.00×');
    expect(formatRatio(null)).toBe('n/a');
  });

  it('lists params as key=value', () => {
    expect(formatParams({ concurrency: 16, appends: 20_000, disk: 'ext4', groupCommit: true })).toBe(
      'concurrency=16, appends=20,000, disk=ext4, groupCommit=true',
    );
  });
});

describe('renderRow', () => {
  it('shows median [min–max], the reference, ratio, direction, params and goal', () => {
    const line = renderRow(row({ goal: { op: '>=', value: 100_000 }, goalMet: true }));
    expect(line).toBe(
      '| fold | apply | eventsPerSec | events/s | 250,000 [240,000–260,000] | plain Map.set | 1,000,000 | 0.25× | ' +
        '↑ higher | events=100,000 | ≥ 100,000 ✓ |',
    );
  });

  it('marks a missed goal and a lower-is-better metric', () => {
    const line = renderRow(
      row({ metric: 'p99Ms', unit: 'ms', better: 'lower', goal: { op: '<=', value: 1 }, goalMet: false }),
    );
    expect(line).toContain('| ↓ lower |');
    expect(line).toContain('| ≤ 1 ✗ |');
  });

  it('shows a goal on the ratio as such', () => {
    const line = renderRow(row({ ratio: 0.25, goal: { op: '>=', value: 1, of: 'ratio' }, goalMet: false }));
    expect(line).toContain('| ratio ≥ 1.00× ✗ |');
  });

  it('escapes pipes so a cell cannot break the table', () => {
    expect(renderRow(row({ case: 'a|b' }))).toContain('| a\\|b |');
  });
});

describe('renderMarkdown', () => {
  const report: RunReport = {
    schemaVersion: 1,
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:01:00.000Z',
    settings: { quick: false, warmUps: 1, repeats: 3 },
    environment: ENVIRONMENT,
    suites: [
      {
        name: 'fold',
        description: 'Replaying the log.',
        references: [{ name: 'plain Map.set', description: 'Map.set per change, no checks.' }],
        rows: [row()],
      },
      { name: 'log', description: 'Appends.', references: [], rows: [], error: 'kafka not reachable' },
    ],
  };
  const markdown = renderMarkdown(report);

  it('states how and where it was measured', () => {
    expect(markdown).toContain('# Benchmarks: fold, log');
    expect(markdown).toContain('full (1 warm-up, 3 repeats; value = median');
    expect(markdown).toContain('node v20.0.0 (V8 11.3), Linux 6.1 x64, Test CPU × 2 cores, 8 GiB');
    expect(markdown).toContain('commit 0123456789ab');
    expect(markdown).not.toContain('uncommitted');
  });

  it('holds the table and what each reference is', () => {
    expect(markdown).toContain(renderTable([row()]));
    expect(markdown).toContain('- Reference `plain Map.set`: Map.set per change, no checks.');
  });

  it('says loudly which suite failed', () => {
    expect(markdown).toContain('**FAILED:** kafka not reachable');
  });
});
