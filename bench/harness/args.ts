import type { RunSettings } from './types';

export const USAGE = `usage: npm run bench [-- [<suite>...] [--quick] [--repeats N]]
  <suite>      suites to run (default: all), in the order given
  --quick      fewer repeats and smaller sizes: a smoke run, not numbers to publish
  --repeats N  measured runs per case and reference (default 3, quick 1); the median is reported`;

/** A command-line mistake: the CLI prints it with the usage and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface BenchArgs {
  readonly suites: readonly string[];
  readonly settings: RunSettings;
  readonly help: boolean;
}

/** Parses `npm run bench` arguments against the registered suite names. */
export function parseArgs(argv: readonly string[], known: readonly string[]): BenchArgs {
  const suites: string[] = [];
  let quick = false;
  let repeats: number | undefined;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') quick = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--repeats') {
      const value = argv[++i];
      repeats = Number(value);
      if (value === undefined || !Number.isInteger(repeats) || repeats < 1) {
        throw new UsageError(`--repeats needs a positive whole number, got ${JSON.stringify(value)}`);
      }
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else if (!known.includes(arg)) throw new UsageError(`unknown suite "${arg}" (known: ${known.join(', ')})`);
    else if (!suites.includes(arg)) suites.push(arg);
  }
  return {
    suites: suites.length > 0 ? suites : [...known],
    settings: { quick, warmUps: 1, repeats: repeats ?? (quick ? 1 : 3) },
    help,
  };
}
