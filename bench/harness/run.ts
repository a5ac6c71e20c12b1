import { collectEnvironment } from './environment';
import { collectGarbage } from './gc';
import { provision } from './infra';
import { formatNumber, formatRatio } from './markdown';
import { fileTimestamp, writeResults } from './results';
import { sampleCase, toRows } from './run-case';
import { scratchSpace } from './scratch';
import type { Row, RunReport, RunSettings, Suite, SuiteContext, SuiteResult } from './types';

export interface RunOptions {
  readonly suites: readonly Suite[];
  readonly settings: RunSettings;
  readonly repoDir: string;
  readonly resultsDir: string;
  readonly log: (msg: string) => void;
}

export interface RunOutcome {
  readonly report: RunReport;
  readonly written: readonly string[];
  readonly failed: boolean;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function describe(row: Row): string {
  const unit = row.unit ? ` ${row.unit}` : '';
  return (
    `${row.case} ${row.metric}: ${formatNumber(row.value)}${unit} vs ${row.reference.name} ` +
    `${formatNumber(row.reference.value)}${unit} = ${formatRatio(row.ratio)} (${row.better} is better)`
  );
}

async function runSuite(suite: Suite, ctx: SuiteContext, opts: RunOptions, report: Pick<RunReport, 'environment'>) {
  const rows: Row[] = [];
  const references = new Map<string, string>();
  let error: string | undefined;
  try {
    const prepared = await suite.prepare(ctx);
    try {
      for (const benchCase of prepared.cases) {
        references.set(benchCase.reference.name, benchCase.reference.description);
        opts.log(`${suite.name}/${benchCase.name}: measuring`);
        const samples = await sampleCase(benchCase, opts.settings, collectGarbage);
        const caseRows = toRows(suite.name, benchCase, samples, report.environment);
        for (const row of caseRows) opts.log(`${suite.name}/${describe(row)}`);
        rows.push(...caseRows);
      }
    } finally {
      await prepared.close?.();
    }
  } catch (e) {
    error = message(e);
    opts.log(`${suite.name} FAILED: ${error}`);
  }
  const result: SuiteResult = {
    name: suite.name,
    description: suite.description,
    references: [...references].map(([name, description]) => ({ name, description })),
    rows,
    ...(error === undefined ? {} : { error }),
  };
  return result;
}

/**
 * Runs the suites one after the other on the infrastructure they need, then writes the results.
 * Throws before measuring anything if that infrastructure cannot be made ready.
 */
export async function runBench(opts: RunOptions): Promise<RunOutcome> {
  const started = new Date();
  const environment = collectEnvironment(opts.repoDir);
  const needs = [...new Set(opts.suites.flatMap((s) => s.needs))];
  const infra = await provision(needs, (msg) => opts.log(`[infra] ${msg}`));
  const scratch = scratchSpace(opts.resultsDir);
  const cleanUp = async (): Promise<void> => {
    await scratch.cleanup();
    await infra.release();
  };
  // Ctrl-C mid-run still removes scratch files and stops the infrastructure this run started.
  const onInterrupt = (): void => {
    opts.log('interrupted: cleaning up');
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onInterrupt);
  const suites: SuiteResult[] = [];
  try {
    const ctx: SuiteContext = {
      quick: opts.settings.quick,
      endpoints: infra.endpoints,
      scratchDir: scratch.dir,
      log: opts.log,
    };
    for (const suite of opts.suites) suites.push(await runSuite(suite, ctx, opts, { environment }));
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    await cleanUp();
  }
  const report: RunReport = {
    schemaVersion: 1,
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    settings: opts.settings,
    environment,
    suites,
  };
  const written = await writeResults(opts.resultsDir, report, fileTimestamp(started));
  return { report, written, failed: suites.some((s) => s.error !== undefined) };
}
