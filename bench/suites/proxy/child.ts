import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..', '..');

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  /** The last 20 kB it printed (stdout and stderr), for failure messages. */
  output(): string;
  /** Null while it runs. */
  exitDescription(): string | null;
  /** Resolves with the first stdout line `matches` accepts; rejects if the process exits first or on timeout. */
  waitForLine(matches: (line: string) => boolean, timeoutMs: number): Promise<string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A crashed or interrupted bench must not leave servers holding ports and CPU behind. */
function killLeftoversOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

export interface SpawnOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
}

export function spawnChild(options: SpawnOptions): Child {
  killLeftoversOnExit();
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  let pending = '';
  const lineWaiters = new Set<(line: string) => void>();
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout.on('data', (chunk: Buffer) => {
    keep(chunk);
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) for (const waiter of lineWaiters) waiter(line);
  });
  child.stderr.on('data', keep);
  let spawnError: Error | undefined;
  child.on('error', (error) => (spawnError = error));
  const exited = new Promise<void>((resolve) => {
    child.once('close', () => {
      running.delete(child);
      resolve();
    });
  });
  const exitDescription = (): string | null => {
    if (spawnError) return `could not start: ${spawnError.message}`;
    if (child.exitCode !== null) return `exited with code ${child.exitCode}`;
    if (child.signalCode !== null) return `was killed by ${child.signalCode}`;
    return null;
  };

  return {
    name: options.name,
    process: child,
    output: () => output,
    exitDescription,
    waitForLine: (matches, timeoutMs) =>
      new Promise((resolve, reject) => {
        const finish = (settle: () => void): void => {
          clearTimeout(timer);
          lineWaiters.delete(onLine);
          settle();
        };
        const onLine = (line: string): void => {
          if (matches(line)) finish(() => resolve(line));
        };
        const timer = setTimeout(
          () =>
            finish(() => reject(new Error(`${options.name} gave no ready line within ${timeoutMs} ms:\n${output}`))),
          timeoutMs,
        );
        lineWaiters.add(onLine);
        void exited.then(() =>
          finish(() =>
            reject(new Error(`${options.name} ${exitDescription() ?? 'exited'} before it was ready:\n${output}`)),
          ),
        );
      }),
    stop: async (graceMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null || spawnError) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Runs the TypeScript entry point `script` (path from the repository root) in its own Node process. ts-node only
 * compiles at start; the code then runs as plain JavaScript.
 */
export function spawnNodeScript(
  name: string,
  script: string,
  args: readonly string[] = [],
  env: Readonly<Record<string, string>> = {},
): Child {
  return spawnChild({
    name,
    command: process.execPath,
    args: ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', script, ...args],
    env: { TS_NODE_PROJECT: join(REPO_ROOT, 'tsconfig.json'), ...env },
  });
}

/** The `{ "port": n }` line a helper server prints once it listens. */
export async function waitForPort(child: Child, timeoutMs = 30_000): Promise<number> {
  const line = await child.waitForLine((l) => l.startsWith('{"port":'), timeoutMs);
  return (JSON.parse(line) as { port: number }).port;
}
