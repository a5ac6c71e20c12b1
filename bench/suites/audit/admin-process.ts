import { readFile } from 'node:fs/promises';
import { freePorts } from '../../../test/support/app-process';
import { spawnChild, type Child } from '../proxy/child';
import { gantryCommand } from '../proxy/gantry-build';
import { waitForHttp } from '../proxy/http';

export interface AdminProcess {
  readonly url: string;
  stop(): Promise<void>;
}

export interface AdminProcessOptions {
  /** A standalone data directory (embedded log and snapshots). */
  readonly dataDir: string;
  /** V8 old-space limit: an admin holding a million events in its audit index needs more than the default. */
  readonly maxOldSpaceMb?: number;
  /** How long boot and the background work after it (audit index, hash chain) may take. */
  readonly readyTimeoutMs: number;
  /** Polled after `/health` answers until it resolves true (e.g. the audit index reached the head). */
  readonly ready?: (url: string) => Promise<boolean>;
  readonly log: (msg: string) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU seconds (user + system) the process has used so far, from /proc (Linux). */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields overall.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Waits until the process has used under 5 % of a core for 3 s in a row: after boot, an admin builds its audit
 * index and links the hash chain in the background, which would otherwise be measured with the requests.
 */
export async function waitForIdle(child: Child, timeoutMs: number): Promise<void> {
  const pid = child.process.pid;
  if (pid === undefined) throw new Error(`${child.name} has no pid`);
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  let last = await cpuSeconds(pid);
  while (quiet < 3) {
    if (Date.now() > deadline) throw new Error(`${child.name} was still busy after ${timeoutMs / 1000} s`);
    const exit = child.exitDescription();
    if (exit) throw new Error(`${child.name} ${exit}:\n${child.output()}`);
    await sleep(1_000);
    const now = await cpuSeconds(pid);
    quiet = now - last < 0.05 ? quiet + 1 : 0;
    last = now;
  }
}

/**
 * The Admin API app in its own process on a standalone data directory (embedded log and store), as `npm start`
 * runs it (built with `nest build admin`, or from sources with GANTRY_BENCH_TS_NODE=1). Resolves once it answers
 * `/health`, `ready` says so, and it has gone quiet.
 */
export async function startAdminProcess(options: AdminProcessOptions): Promise<AdminProcess> {
  const command = await gantryCommand('admin', options.log);
  const [port] = await freePorts(1);
  const heap = options.maxOldSpaceMb === undefined ? [] : [`--max-old-space-size=${options.maxOldSpaceMb}`];
  const child = spawnChild({
    name: 'gantry admin',
    command: process.execPath,
    args: [...heap, ...command.args],
    env: {
      ...command.env,
      GANTRY_LOG: 'embedded',
      GANTRY_STORE: 'embedded',
      GANTRY_DATA_DIR: options.dataDir,
      GANTRY_ADMIN_LISTEN: `127.0.0.1:${port}`,
      GANTRY_LOG_LEVEL: 'warn',
    },
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    const started = Date.now();
    await waitForHttp(`${url}/health`, {
      child,
      timeoutMs: options.readyTimeoutMs,
      accept: (answer) => answer.status === 200,
    });
    const deadline = started + options.readyTimeoutMs;
    while (options.ready && !(await options.ready(url))) {
      const exit = child.exitDescription();
      if (exit) throw new Error(`${child.name} ${exit}:\n${child.output()}`);
      if (Date.now() > deadline) throw new Error(`the admin on ${options.dataDir} was not ready in time`);
      await sleep(1_000);
    }
    await waitForIdle(child, Math.max(10_000, deadline - Date.now()));
    options.log(`admin on ${options.dataDir} ready and quiet after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { url, stop: () => child.stop() };
  } catch (error) {
    await child.stop();
    throw error;
  }
}
