import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Env } from '../../../../infra/src/env';
import { withLock } from '../../../../infra/src/lock';
import { cacheDir } from '../../../../infra/src/paths';
import { missingLibraries, packagesForLibraries } from './libraries';

/** The Debian package holding the nginx binary (on bookworm, nginx-light is only a meta package over it). */
const NGINX_PACKAGE = 'nginx';

export interface NginxBinary {
  readonly path: string;
  /** Extra environment to run it with (LD_LIBRARY_PATH when libraries were fetched beside it). */
  readonly env: Readonly<Record<string, string>>;
  /** `nginx/1.22.1`, as `nginx -v` prints it. */
  readonly version: string;
}

export class NginxFetchError extends Error {
  override readonly name = 'NginxFetchError';
  readonly code = 'BENCH_NGINX_FETCH';
}

function run(command: string, args: readonly string[], options: { cwd?: string; env?: Env } = {}): string {
  const result = spawnSync(command, [...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    timeout: 5 * 60_000,
  });
  if (result.error || result.status !== 0) {
    const why = result.error?.message ?? `exit ${result.status}`;
    throw new NginxFetchError(`${command} ${args.join(' ')} failed (${why}):\n${result.stdout}${result.stderr}`.trim());
  }
  return `${result.stdout}${result.stderr}`;
}

/** Directories of shared libraries extracted under `root` (Debian's multiarch folders). */
function libraryDirs(root: string): string[] {
  const dirs: string[] = [];
  for (const base of ['lib', path.join('usr', 'lib')]) {
    const dir = path.join(root, base);
    if (!fs.existsSync(dir)) continue;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name.endsWith('-linux-gnu')) dirs.push(path.join(dir, entry.name));
    }
  }
  return dirs;
}

function runEnv(root: string): Record<string, string> {
  const dirs = libraryDirs(root);
  return dirs.length > 0 ? { LD_LIBRARY_PATH: [...dirs, process.env.LD_LIBRARY_PATH ?? ''].join(':') } : {};
}

/** `apt-get download` (no root needed) then `dpkg-deb -x` of each package into `root`. */
function downloadAndExtract(packages: readonly string[], root: string, log: (msg: string) => void): string[] {
  const debs = fs.mkdtempSync(path.join(path.dirname(root), 'debs-'));
  try {
    log(`fetching ${packages.join(', ')} with apt-get download`);
    try {
      run('apt-get', ['download', ...packages], { cwd: debs, env: { DEBIAN_FRONTEND: 'noninteractive' } });
    } catch (error) {
      throw new NginxFetchError(
        `${error instanceof Error ? error.message : String(error)}\n` +
          'apt-get download needs Debian package lists (run `apt-get update` as root) and the network; or set ' +
          'GANTRY_NGINX_BIN to an nginx binary',
      );
    }
    const files = fs.readdirSync(debs).filter((file) => file.endsWith('.deb'));
    for (const file of files) run('dpkg-deb', ['-x', path.join(debs, file), root]);
    return files;
  } finally {
    fs.rmSync(debs, { recursive: true, force: true });
  }
}

function versionOf(binary: string, env: Readonly<Record<string, string>>): string {
  const output = run(binary, ['-v'], { env });
  const match = /nginx\/\S+/.exec(output);
  if (!match) throw new NginxFetchError(`${binary} -v printed no version: ${output}`);
  return match[0];
}

/** Extracts nginx into `partial`, then any library `ldd` says is missing, until it links. */
function extractNginx(partial: string, log: (msg: string) => void): string[] {
  const binary = path.join(partial, 'usr', 'sbin', 'nginx');
  const debs = downloadAndExtract([NGINX_PACKAGE], partial, log);
  if (!fs.existsSync(binary)) throw new NginxFetchError(`the ${NGINX_PACKAGE} package holds no usr/sbin/nginx`);
  const ldd = (): string[] => {
    const result = spawnSync('ldd', [binary], { encoding: 'utf8', env: { ...process.env, ...runEnv(partial) } });
    return result.error ? [] : missingLibraries(result.stdout); // no ldd: running `nginx -v` will tell
  };
  const missing = ldd();
  if (missing.length > 0) {
    log(`nginx needs ${missing.join(', ')}, missing here`);
    debs.push(...downloadAndExtract(packagesForLibraries(missing), partial, log));
    const still = ldd();
    if (still.length > 0) throw new NginxFetchError(`nginx still misses ${still.join(', ')} after fetching them`);
  }
  return debs;
}

/**
 * The nginx binary for case (b): `GANTRY_NGINX_BIN` if set; else Debian's `nginx` package, fetched once with
 * `apt-get download` into `<GANTRY_CACHE_DIR or ~/.cache/gantry>/nginx` and extracted with `dpkg-deb -x`
 * (with any shared library `ldd` finds missing, fetched the same way). No root, no system install.
 */
export async function nginxBinary(log: (msg: string) => void, env: Env = process.env): Promise<NginxBinary> {
  const configured = env.GANTRY_NGINX_BIN?.trim();
  if (configured) {
    if (!fs.existsSync(configured)) throw new NginxFetchError(`GANTRY_NGINX_BIN=${configured} does not exist`);
    return { path: configured, env: {}, version: versionOf(configured, {}) };
  }
  const cache = cacheDir(env);
  const root = path.join(cache, 'nginx');
  const binary = path.join(root, 'usr', 'sbin', 'nginx');
  const marker = path.join(root, '.complete');
  const cached = (): NginxBinary | undefined =>
    fs.existsSync(marker) && fs.existsSync(binary)
      ? { path: binary, env: runEnv(root), version: versionOf(binary, runEnv(root)) }
      : undefined;
  const ready = cached();
  if (ready) return ready;
  return withLock(path.join(cache, 'nginx.lock'), 10 * 60_000, () => {
    const raced = cached();
    if (raced) return Promise.resolve(raced);
    const partial = path.join(cache, 'nginx.partial');
    fs.rmSync(partial, { recursive: true, force: true });
    fs.mkdirSync(partial, { recursive: true });
    const debs = extractNginx(partial, log);
    const version = versionOf(path.join(partial, 'usr', 'sbin', 'nginx'), runEnv(partial));
    fs.rmSync(root, { recursive: true, force: true });
    fs.renameSync(partial, root);
    fs.writeFileSync(marker, `${JSON.stringify({ debs, version }, null, 2)}\n`);
    log(`${version} cached in ${root}`);
    return Promise.resolve({ path: binary, env: runEnv(root), version });
  });
}
