/**
 * npm run bench [-- [<suite>...] [--quick] [--repeats N]]
 *
 * Runs the registered suites (bench/suites/index.ts); every result is a ratio against a reference
 * measured in the same run. Writes bench/results/<suite>-<timestamp>.{json,md} and latest.{json,md}.
 */
import { join } from 'node:path';
import { parseArgs, USAGE, UsageError } from './harness/args';
import { runBench } from './harness/run';
import { SUITES } from './suites';

const repoDir = join(__dirname, '..');
const log = (msg: string): void => console.log(`[bench] ${msg}`);

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), Object.keys(SUITES));
  if (args.help) {
    console.log(USAGE);
    for (const suite of Object.values(SUITES)) console.log(`  ${suite.name.padEnd(8)} ${suite.description}`);
    return 0;
  }
  const { written, failed } = await runBench({
    suites: args.suites.map((name) => SUITES[name]),
    settings: args.settings,
    repoDir,
    resultsDir: join(repoDir, 'bench', 'results'),
    log,
  });
  for (const path of written) log(`wrote ${path}`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`[bench] ${error.message}\n${USAGE}`);
      process.exit(2);
    }
    console.error(`[bench] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
