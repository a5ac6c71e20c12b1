import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import type { Environment } from './types';

function git(args: string[], cwd: string): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined; // not a git checkout, or git missing: the report says "unknown"
  }
}

/** Where the numbers come from, recorded with every row so results from different machines are never mixed up. */
export function collectEnvironment(repoDir: string): Environment {
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    gitCommit: git(['rev-parse', 'HEAD'], repoDir) ?? 'unknown',
    gitDirty: (git(['status', '--porcelain'], repoDir) ?? '') !== '',
  };
}
