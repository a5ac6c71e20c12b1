import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Env } from './env';

export type Tool = 'java' | 'mvn';

/** Debian packages that provide each tool. */
const APT_PACKAGES: Record<Tool, string> = { java: 'openjdk-17-jre-headless', mvn: 'maven' };

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Finds a tool: `$JAVA_HOME/bin/java` (or `$MAVEN_HOME/bin/mvn`) first, then the PATH. */
export function findTool(tool: Tool, env: Env = process.env): string | undefined {
  const home = tool === 'java' ? env.JAVA_HOME : (env.MAVEN_HOME ?? env.M2_HOME);
  if (home) {
    const candidate = path.join(home, 'bin', tool);
    if (isExecutable(candidate)) return candidate;
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, tool);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})`);
  }
}

/**
 * Returns the path of each tool, installing the missing ones with apt-get first (as root, or through
 * passwordless sudo). A machine of the kind CI uses already has them; this is only a safety net.
 */
export function ensureTools<T extends Tool>(tools: readonly T[], log: (msg: string) => void): Record<T, string> {
  const missing = tools.filter((tool) => findTool(tool) === undefined);
  if (missing.length > 0) {
    const packages = missing.map((tool) => APT_PACKAGES[tool]);
    log(`${missing.join(' and ')} not found: installing ${packages.join(' ')} with apt-get`);
    const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const prefix = asRoot ? [] : ['sudo', '-n'];
    const [command, ...rest] = [...prefix, 'apt-get'];
    run(command, [...rest, 'update']);
    run(command, [...rest, 'install', '-y', '--no-install-recommends', ...packages]);
  }
  const found = {} as Record<T, string>;
  for (const tool of tools) {
    const file = findTool(tool);
    if (!file) throw new Error(`${tool} is still missing after installing it; put it on PATH`);
    found[tool] = file;
  }
  return found;
}

/** The major version of a `java` binary (17 for "17.0.15"), or undefined if it cannot be told. */
export function javaMajorVersion(java: string): number | undefined {
  const result = spawnSync(java, ['-version'], { encoding: 'utf8' });
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`);
  if (!match) return undefined;
  const major = Number(match[1]);
  return major === 1 && match[2] ? Number(match[2]) : major;
}
