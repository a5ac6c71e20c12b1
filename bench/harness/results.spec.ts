import { fileTimestamp, suiteReport } from './results';
import { ENVIRONMENT, row } from './test-data';
import type { RunReport } from './types';

describe('fileTimestamp', () => {
  it('is the UTC time, sortable and safe in a file name', () => {
    expect(fileTimestamp(new Date('2025-11-24T19:05:12.345Z'))).toBe('20251124T190512Z');
  });
});

describe('suiteReport', () => {
  it('keeps the run data and only the suite asked for', () => {
    const report: RunReport = {
      schemaVersion: 1,
      startedAt: 'a',
      finishedAt: 'b',
      settings: { quick: true, warmUps: 1, repeats: 1 },
      environment: ENVIRONMENT,
      suites: [
        { name: 'fold', description: '', references: [], rows: [row()] },
        { name: 'log', description: '', references: [], rows: [] },
      ],
    };
    const narrowed = suiteReport(report, 'log');
    expect(narrowed.suites.map((s) => s.name)).toEqual(['log']);
    expect(narrowed.settings).toBe(report.settings);
  });
});
