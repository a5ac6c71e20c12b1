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

/**
 * Runs `go <args>` asynchronously (so progress can be logged meanwhile) and resolves with its stdout. Rejects
 * with the end of its output when it fails, cannot start (no Go on PATH) or runs past the deadline.
 */
export function runGo(run: GoRun): Promise<string> {
  fs.appendFileSync(run.logFile, `\n$ go ${run.args.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn('go', [...run.args], { cwd: run.cwd, env: run.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let tail = '';
    let partial = '';
    const keep = (text: string) => {
      fs.appendFileSync(run.logFile, text);
      tail = (tail + text).slice(-4_000);
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
      if (code === 0) return resolve(stdout);
      const why = timedOut ? 'ran out of time and was killed' : `failed (${signal ?? `exit ${code}`})`;
      reject(new GoCommandError(`go ${run.args.join(' ')} ${why}; full output in ${run.logFile}:\n${tail.trim()}`));
    });
  });
}
