/**
 * `npx gantry <command>`: operator commands that run outside the apps. Today: `replay`.
 * Exit codes: see `exit-codes.ts` and docs/audit.md.
 */
import pino from 'pino';
import { EXIT, UsageError, type ExitCode } from './exit-codes';

const USAGE = `usage: npx gantry <command> [options]

commands:
  replay   rebuild the configuration from the log into a fresh data directory or keyspace

npx gantry <command> --help describes a command.`;

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ExitCode> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (command !== 'replay') {
    process.stderr.write(`gantry: unknown command "${command}"\n${USAGE}\n`);
    return EXIT.usage;
  }
  // Loaded on demand: compiling the libraries through ts-node takes seconds, which `--help` need not wait for.
  const { REPLAY_USAGE, parseReplayArgs } = await import('./replay/replay-args');
  const { runReplay } = await import('./replay/replay-command');
  let parsed;
  try {
    parsed = parseReplayArgs(rest, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`gantry replay: ${error.message}\n\n${REPLAY_USAGE}\n`);
    return EXIT.usage;
  }
  if (parsed === 'help') {
    process.stdout.write(`${REPLAY_USAGE}\n`);
    return EXIT.ok;
  }
  // Logs go to stderr, so stdout carries only the command's own answer.
  const logger = pino({ level: env.GANTRY_LOG_LEVEL ?? 'warn', base: { pid: process.pid } }, pino.destination(2));
  return runReplay(parsed, { stdout: process.stdout, stderr: process.stderr, logger });
}

/** Runs `main` on this process's arguments and sets the exit code. */
export function run(): void {
  main(process.argv.slice(2)).then(
    (code) => exitSoon(code),
    (error: unknown) => {
      process.stderr.write(`gantry: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      exitSoon(EXIT.failed);
    },
  );
}

/** Lets stdout and stderr drain, but does not wait for a client library that keeps a socket or timer alive. */
function exitSoon(code: ExitCode): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 2_000).unref();
}

if (require.main === module) run();
