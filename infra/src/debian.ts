import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withLock } from './lock';

/**
 * Debian packages as a source of native servers (redis-server, nginx): `apt-get download` (no root) and
 * `dpkg-deb -x` into a cache folder, with any shared library the machine lacks fetched the same way and put on
 * LD_LIBRARY_PATH. Nothing is installed system-wide.
 */

export class DebianFetchError extends Error {
  override readonly name = 'DebianFetchError';
  readonly code = 'INFRA_DEBIAN_FETCH';
}

export class MissingLibraryError extends Error {
  override readonly name = 'MissingLibraryError';
  readonly code = 'INFRA_MISSING_LIBRARY';
}

/**
 * The shared libraries our binaries (nginx, redis-server and what they pull in) link against, and the bookworm
 * packages that ship them: enough to fetch what a slim machine lacks without apt-file.
 */
const LIBRARY_PACKAGES: Readonly<Record<string, string>> = {
  'libatomic.so.1': 'libatomic1',
  'libcap.so.2': 'libcap2',
  'libcrypt.so.1': 'libcrypt1',
  'libcrypto.so.3': 'libssl3',
  'libgcrypt.so.20': 'libgcrypt20',
  'libgpg-error.so.0': 'libgpg-error0',
  'libjemalloc.so.2': 'libjemalloc2',
  'liblz4.so.1': 'liblz4-1',
  'liblzf.so.1': 'liblzf1',
  'liblzma.so.5': 'liblzma5',
  'libpcre2-8.so.0': 'libpcre2-8-0',
  'libssl.so.3': 'libssl3',
  'libsystemd.so.0': 'libsystemd0',
  'libz.so.1': 'zlib1g',
  'libzstd.so.1': 'libzstd1',
};

/** The sonames `ldd` reports as `not found`. */
export function missingLibraries(lddOutput: string): string[] {
  const missing: string[] = [];
  for (const line of lddOutput.split('\n')) {
    const match = /^\s*(\S+)\s+=>\s+not found\s*$/.exec(line);
    if (match && !missing.includes(match[1])) missing.push(match[1]);
  }
  return missing;
}

/** The packages to fetch for `sonames`, each once; throws naming the libraries it does not know. */
export function packagesForLibraries(sonames: readonly string[], hint = ''): string[] {
  const unknown = sonames.filter((soname) => LIBRARY_PACKAGES[soname] === undefined);
  if (unknown.length > 0) {
    throw new MissingLibraryError(
      `${unknown.join(', ')} missing here, and not a library we know how to fetch: install it${hint ? `, ${hint}` : ''}`,
    );
  }
  return [...new Set(sonames.map((soname) => LIBRARY_PACKAGES[soname]))];
}

/** `5:7.0.15-1~deb12u10` → `7.0.15`: without the epoch and the Debian revision. */
export function upstreamVersion(debianVersion: string): string {
  const noEpoch = debianVersion.replace(/^\d+:/, '');
  const dash = noEpoch.lastIndexOf('-');
  return dash > 0 ? noEpoch.slice(0, dash) : noEpoch;
}

/** The `Candidate:` line of `apt-cache policy`, or undefined when there is none. */
export function parseCandidate(policyOutput: string): string | undefined {
  const match = /^\s*Candidate:\s*(\S+)\s*$/m.exec(policyOutput);
  return match && match[1] !== '(none)' ? match[1] : undefined;
}

function run(command: string, args: readonly string[], cwd?: string): string {
  const result = spawnSync(command, [...args], {
    cwd,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    encoding: 'utf8',
    timeout: 5 * 60_000,
  });
  if (result.error || result.status !== 0) {
    const why = result.error?.message ?? `exit ${result.status}`;
    throw new DebianFetchError(
      `${command} ${args.join(' ')} failed (${why}):\n${result.stdout}${result.stderr}`.trim(),
    );
  }
  return `${result.stdout}${result.stderr}`;
}

const APT_HINT = 'apt-get needs the Debian package lists (run `apt-get update` as root) and the network';

/** The version apt would download of `pkg` (e.g. `5:7.0.15-1~deb12u10`). */
export function candidateVersion(pkg: string, hint = ''): string {
  let output: string;
  try {
    output = run('apt-cache', ['policy', pkg]);
  } catch (error) {
    throw new DebianFetchError(`${(error as Error).message}\n${APT_HINT}${hint ? `; ${hint}` : ''}`);
  }
  const candidate = parseCandidate(output);
  if (candidate === undefined) {
    throw new DebianFetchError(`apt knows no candidate for ${pkg}: ${APT_HINT}${hint ? `; ${hint}` : ''}`);
  }
  return candidate;
}

/** Directories of shared libraries extracted under `root` (Debian's multiarch folders). */
export function libraryDirs(root: string): string[] {
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

/** The environment to run a binary of `root` with: its extracted libraries first on LD_LIBRARY_PATH. */
export function libraryEnv(root: string): Record<string, string> {
  const dirs = libraryDirs(root);
  const inherited = process.env.LD_LIBRARY_PATH;
  return dirs.length > 0 ? { LD_LIBRARY_PATH: [...dirs, ...(inherited ? [inherited] : [])].join(':') } : {};
}

/** `apt-get download` each package (no root needed), then `dpkg-deb -x` it into `root`; returns the .deb names. */
function downloadAndExtract(packages: readonly string[], root: string, log: (msg: string) => void, hint: string) {
  const debs = fs.mkdtempSync(path.join(path.dirname(root), 'debs-'));
  try {
    log(`fetching ${packages.join(', ')} with apt-get download`);
    try {
      run('apt-get', ['download', ...packages], debs);
    } catch (error) {
      throw new DebianFetchError(`${(error as Error).message}\n${APT_HINT}${hint ? `; ${hint}` : ''}`);
    }
    const files = fs.readdirSync(debs).filter((file) => file.endsWith('.deb'));
    for (const file of files) run('dpkg-deb', ['-x', path.join(debs, file), root]);
    return files;
  } finally {
    fs.rmSync(debs, { recursive: true, force: true });
  }
}

/** What to fetch: packages and the executable they must yield, runnable here. */
export interface DebianBinarySpec {
  /** For messages: `nginx`, `redis-server`. */
  readonly name: string;
  readonly packages: readonly string[];
  /** The executable, relative to the extracted tree (`usr/sbin/nginx`). */
  readonly binary: string;
  /** Runs after extraction, before the link check (e.g. to add the link Debian ships in another package). */
  readonly afterExtract?: (tree: string) => void;
  /** Runs the binary once (with its library env) and returns its version, proving it works here. */
  readonly version: (binary: string, env: Readonly<Record<string, string>>) => string;
  /** How to do without the download, appended to failure messages (e.g. "or set GANTRY_NGINX_BIN"). */
  readonly hint?: string;
}

export interface DebianBinary {
  readonly path: string;
  /** LD_LIBRARY_PATH when libraries were fetched beside the binary; empty otherwise. */
  readonly env: Readonly<Record<string, string>>;
  readonly version: string;
  /** The .deb files it was extracted from. */
  readonly debs: readonly string[];
  /** True if this call downloaded it; false when the cache was reused. */
  readonly downloaded: boolean;
}

/** Extracts the packages into `tree`, then every library `ldd` says is missing, until the binary links. */
function extract(spec: DebianBinarySpec, tree: string, log: (msg: string) => void): string[] {
  const hint = spec.hint ?? '';
  const binary = path.join(tree, spec.binary);
  const debs = downloadAndExtract(spec.packages, tree, log, hint);
  spec.afterExtract?.(tree);
  if (!fs.existsSync(binary)) throw new DebianFetchError(`${spec.packages.join(', ')} hold no ${spec.binary}`);
  const ldd = (): string[] => {
    const result = spawnSync('ldd', [binary], { encoding: 'utf8', env: { ...process.env, ...libraryEnv(tree) } });
    return result.error ? [] : missingLibraries(result.stdout); // no ldd: running the binary will tell
  };
  // A fetched library may need one more (libsystemd → libgcrypt...): repeat while it makes progress.
  let missing = ldd();
  const fetched = new Set<string>();
  while (missing.length > 0) {
    const fresh = missing.filter((soname) => !fetched.has(soname));
    if (fresh.length === 0) {
      throw new MissingLibraryError(`${spec.name} still misses ${missing.join(', ')} after fetching them`);
    }
    log(`${spec.name} needs ${fresh.join(', ')}, missing here`);
    for (const soname of fresh) fetched.add(soname);
    debs.push(...downloadAndExtract(packagesForLibraries(fresh, hint), tree, log, hint));
    missing = ldd();
  }
  return debs;
}

interface Marker {
  readonly debs: string[];
  readonly version: string;
}

function readMarker(file: string): Marker | undefined {
  try {
    const marker = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Marker>;
    return Array.isArray(marker.debs) && typeof marker.version === 'string'
      ? { debs: marker.debs, version: marker.version }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The binary of `spec`, extracted once into `dir` (say `~/.cache/gantry/redis/7.0.15`) and reused from there
 * offline: a `.complete` marker (the .deb names and the version) is written last. The fetch runs under
 * `<dir>.lock` in a `<dir>.partial` folder renamed into place, so concurrent runs neither race nor see half a tree.
 */
export async function fetchDebianBinary(
  spec: DebianBinarySpec,
  dir: string,
  log: (msg: string) => void,
): Promise<DebianBinary> {
  const binary = path.join(dir, spec.binary);
  const markerFile = path.join(dir, '.complete');
  const cached = (): DebianBinary | undefined => {
    const marker = fs.existsSync(binary) ? readMarker(markerFile) : undefined;
    return marker && { path: binary, env: libraryEnv(dir), ...marker, downloaded: false };
  };
  const ready = cached();
  if (ready) return ready;
  return withLock(`${dir}.lock`, 15 * 60_000, () => {
    const raced = cached();
    if (raced) return Promise.resolve(raced);
    const partial = `${dir}.partial`;
    fs.rmSync(partial, { recursive: true, force: true });
    fs.mkdirSync(partial, { recursive: true });
    const debs = extract(spec, partial, log);
    const version = spec.version(path.join(partial, spec.binary), libraryEnv(partial));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(partial, dir);
    fs.writeFileSync(markerFile, `${JSON.stringify({ debs, version }, null, 2)}\n`);
    log(`${version} cached in ${dir}`);
    return Promise.resolve({ path: binary, env: libraryEnv(dir), version, debs, downloaded: true });
  });
}
