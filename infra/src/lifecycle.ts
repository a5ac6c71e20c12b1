import * as path from 'node:path';
import type { Instance, Log } from './instance';
import { pidFileOf, stdoutLogOf } from './instance';
import { withLock } from './lock';
import { formatLogTails } from './log-tail';
import { isPortOpen } from './net';
import {
  commandLine,
  isAlive,
  readPidFile,
  removeFile,
  rssBytes,
  spawnDetached,
  stopPid,
  type StopOutcome,
  writePidFile,
} from './process';
import { waitUntilReady } from './readiness';

/** started: we launched it now; reused: our process was already running; not-ours: someone else's answers. */
export type UpState = 'started' | 'reused' | 'not-ours';

export interface UpResult {
  readonly name: string;
  readonly state: UpState;
  readonly address: string;
  readonly pid?: number;
  /** Download time, jars or packages (0 when the cache was used). */
  readonly fetchMs: number;
  /** From launch (or from the first probe, when reused) to the first successful probe. */
  readonly readyMs: number;
  /** The whole `up` of this instance. */
  readonly totalMs: number;
  /** What the readiness probe answered. */
  readonly detail: string;
}

export type Health = 'ready' | 'starting' | 'not-ours' | 'port-busy' | 'stopped';

export interface InstanceStatus {
  readonly name: string;
  readonly health: Health;
  readonly address: string;
  readonly pid?: number;
  readonly rssBytes?: number;
  readonly detail?: string;
}

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The tail of the instance's logs, for error messages and `logs`. */
export function logTails(instance: Instance, lines = 60): string {
  const stdout = stdoutLogOf(instance);
  return formatLogTails([
    ...(instance.dependsOn ?? []).map((dependency) => ({ file: dependency.mainLog, lines: Math.min(lines, 20) })),
    { file: instance.mainLog, lines },
    ...(instance.mainLog === stdout ? [] : [{ file: stdout, lines: Math.min(lines, 20) }]),
  ]);
}

/**
 * The PID in our pid file if that process is alive and really is this instance (its command line
 * carries the instance's marker: a PID reused by an unrelated process is not ours).
 */
export function ourPid(instance: Instance): number | undefined {
  const pid = readPidFile(pidFileOf(instance));
  if (pid === undefined || !isAlive(pid)) return undefined;
  const argv = commandLine(pid);
  return argv === undefined || argv.includes(instance.marker) ? pid : undefined;
}

async function busyBinds(instance: Instance): Promise<string[]> {
  const busy: string[] = [];
  for (const { host, port } of instance.binds) {
    if (await isPortOpen(host, port, 500)) busy.push(`${host}:${port}`);
  }
  return busy;
}

async function upLocked(instance: Instance, log: Log, started: number): Promise<UpResult> {
  const { name, address } = instance;
  const pidFile = pidFileOf(instance);
  const what = `${name} at ${address}`;

  const running = ourPid(instance);
  if (running !== undefined) {
    try {
      const { detail, ms } = await waitUntilReady(instance.probe, {
        timeoutMs: instance.readyTimeoutMs,
        intervalMs: instance.probeIntervalMs,
        stillRunning: () => isAlive(running),
        what,
      });
      return {
        name,
        state: 'reused',
        address,
        pid: running,
        fetchMs: 0,
        readyMs: ms,
        totalMs: Date.now() - started,
        detail,
      };
    } catch (error) {
      throw new Error(`${errorMessage(error)}\n${logTails(instance)}`);
    }
  }
  removeFile(pidFile); // stale, if any

  const busy = await busyBinds(instance);
  if (busy.length > 0) {
    if (busy.includes(address)) {
      try {
        const detail = await instance.probe(5_000);
        log(`${name}: ${address} is already served by a process we did not start (${detail}); using it`);
        return { name, state: 'not-ours', address, fetchMs: 0, readyMs: 0, totalMs: Date.now() - started, detail };
      } catch (error) {
        throw new Error(
          `${name}: ${address} is in use by a process we did not start, and it does not answer as ${instance.kind} ` +
            `(${errorMessage(error)}); stop it or choose other ports`,
        );
      }
    }
    throw new Error(`${name}: ${busy.join(', ')} already in use by another process; stop it or choose other ports`);
  }

  const prepared = await instance.prepare(log);
  const launchedAt = Date.now();
  const pid = spawnDetached(prepared.launch, stdoutLogOf(instance));
  writePidFile(pidFile, pid);
  log(`${name}: started pid ${pid}, waiting until ${address} is ready`);
  try {
    const { detail } = await waitUntilReady(instance.probe, {
      timeoutMs: instance.readyTimeoutMs,
      intervalMs: instance.probeIntervalMs,
      stillRunning: () => isAlive(pid),
      what,
    });
    const readyMs = Date.now() - launchedAt;
    return {
      name,
      state: 'started',
      address,
      pid,
      fetchMs: prepared.fetchMs,
      readyMs,
      totalMs: Date.now() - started,
      detail,
    };
  } catch (error) {
    const tails = logTails(instance);
    await stopPid(pid, 15_000);
    removeFile(pidFile);
    throw new Error(`${errorMessage(error)}\n${tails}`);
  }
}

/**
 * Makes the instance ready: leaves ours alone if it answers, accepts someone else's if it answers
 * on our address, otherwise fetches, prepares and launches it and waits for real readiness.
 * Throws (with the log tail) if it does not become ready in time.
 */
export function up(instance: Instance, log: Log): Promise<UpResult> {
  const started = Date.now();
  const lockMs = Math.max(30 * 60_000, (instance.prepareTimeoutMs ?? 0) + instance.readyTimeoutMs);
  return withLock(path.join(instance.dir, 'up.lock'), lockMs, async () => {
    const startedDependencies: Instance[] = [];
    try {
      for (const dependency of instance.dependsOn ?? []) {
        if ((await up(dependency, log)).state === 'started') startedDependencies.unshift(dependency);
      }
      return await upLocked(instance, log, started);
    } catch (error) {
      for (const dependency of startedDependencies) await down(dependency, 15_000);
      throw error;
    }
  });
}

/**
 * Stops our process of this instance (by the recorded PID only) and removes the pid file, then its
 * dependencies (last one first).
 */
export async function down(instance: Instance, graceMs = 60_000): Promise<StopOutcome | 'no-pid-file'> {
  const outcome = await downOne(instance, graceMs);
  for (const dependency of [...(instance.dependsOn ?? [])].reverse()) await down(dependency, graceMs);
  return outcome;
}

async function downOne(instance: Instance, graceMs: number): Promise<StopOutcome | 'no-pid-file'> {
  const pidFile = pidFileOf(instance);
  if (readPidFile(pidFile) === undefined) {
    removeFile(pidFile);
    return 'no-pid-file';
  }
  const pid = ourPid(instance);
  const outcome = pid === undefined ? 'not-running' : await stopPid(pid, graceMs);
  removeFile(pidFile);
  return outcome;
}

/** Running/ready/not ours/stopped, PID, address and RSS; probes at most once. */
export async function status(instance: Instance): Promise<InstanceStatus> {
  const { name, address } = instance;
  const pid = ourPid(instance);
  if (pid !== undefined) {
    try {
      const detail = await instance.probe(3_000);
      return { name, health: 'ready', address, pid, rssBytes: rssBytes(pid), detail };
    } catch (error) {
      return { name, health: 'starting', address, pid, rssBytes: rssBytes(pid), detail: errorMessage(error) };
    }
  }
  const [first] = instance.binds;
  if (!(await isPortOpen(first.host, first.port, 500))) return { name, health: 'stopped', address };
  try {
    return { name, health: 'not-ours', address, detail: await instance.probe(3_000) };
  } catch (error) {
    return { name, health: 'port-busy', address, detail: errorMessage(error) };
  }
}
