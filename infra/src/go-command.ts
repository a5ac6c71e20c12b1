import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

export class GoCommandError extends Error {
  override readonly name = 'GoCommandError';
  readonly code = 'INFRA_GO_COMMAND';
}

export interface GoRun {
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Both output streams are appended here, so a failed build can be read in full. */
  readonly logFile: string;
  /** Each stderr line, for progress counts (`go build -v` names each package it compiles there). */
  readonly onLine?: (line: string) => void;
  /** The command is killed (by its PID) when it runs past this instant (epoch ms). */
  readonly deadline: number;
}

/** How one `go` command ended. */
export interface GoExit {
  readonly ok: boolean;
  readonly timedOut: boolean;
  readonly stdout: string;
  /** stdout and stderr interleaved, as they came. */
  readonly output: string;
  /** Why it failed, in a few words (empty when it succeeded). */
  readonly why: string;
}

/**
 * Spawns `go <args>` asynchronously (so progress can be logged meanwhile), appends its output to `logFile` and
 * kills it at the deadline. Rejects only when it cannot start; a failing command resolves with `ok: false`.
 */
export function spawnGo(run: GoRun & { readonly go?: string }): Promise<GoExit> {
  fs.appendFileSync(run.logFile, `\n$ go ${run.args.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(run.go ?? 'go', [...run.args], {
      cwd: run.cwd,
      env: run.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let output = '';
    let partial = '';
    const keep = (text: string) => {
      fs.appendFileSync(run.logFile, text);
      output += text;
    };
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      keep(text);
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      keep(text);
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) run.onLine?.(line);
    });
    let timedOut = false;
    const timer = setTimeout(
      () => {
        timedOut = true;
        child.kill('SIGKILL');
      },
      Math.max(0, run.deadline - Date.now()),
    );
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why = error.code === 'ENOENT' ? 'go is not on PATH (install Go 1.24 or newer)' : error.message;
      reject(new GoCommandError(`go ${run.args.join(' ')}: ${why}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ok = code === 0;
      const why = ok ? '' : timedOut ? 'ran out of time and was killed' : `failed (${signal ?? `exit ${code}`})`;
      resolve({ ok, timedOut, stdout, output, why });
    });
  });
}

/**
 * Runs `go <args>` and resolves with its stdout. Rejects with the end of its output when it fails, cannot start
 * (no Go on PATH) or runs past the deadline.
 */
export async function runGo(run: GoRun): Promise<string> {
  const exit = await spawnGo(run);
  if (exit.ok) return exit.stdout;
  const tail = exit.output.slice(-4_000).trim();
  throw new GoCommandError(`go ${run.args.join(' ')} ${exit.why}; full output in ${run.logFile}:\n${tail}`);
}
