import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderMarkdown } from './markdown';
import type { RunReport } from './types';

/** `2025-11-24T19:05:12.345Z` -> `20251124T190512Z`: sortable and safe in a file name. */
export function fileTimestamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** The run narrowed to one suite, for `<suite>-<timestamp>.json`/`.md`. */
export function suiteReport(report: RunReport, suite: string): RunReport {
  return { ...report, suites: report.suites.filter((s) => s.name === suite) };
}

/**
 * Writes `<suite>-<timestamp>.json` and `.md` for each suite, and `latest.json`/`latest.md` for the
 * whole run. Returns the paths written.
 */
export async function writeResults(dir: string, report: RunReport, timestamp: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const outputs: [string, RunReport][] = [
    ...report.suites.map((s): [string, RunReport] => [`${s.name}-${timestamp}`, suiteReport(report, s.name)]),
    ['latest', report],
  ];
  const written: string[] = [];
  for (const [base, content] of outputs) {
    const json = join(dir, `${base}.json`);
    const md = join(dir, `${base}.md`);
    await writeFile(json, `${JSON.stringify(content, null, 2)}\n`);
    await writeFile(md, renderMarkdown(content));
    written.push(json, md);
  }
  return written;
}
