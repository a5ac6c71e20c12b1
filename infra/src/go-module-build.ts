import * as fs from 'node:fs';
import { spawnGo } from './go-command';
import * as path from 'node:path';
import { withLock } from './lock';

export class GoBuildError extends Error {
  readonly code = 'GO_BUILD_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'GoBuildError';
  }
}

/** A Go command built from the module proxy through a throwaway wrapper module (`go get -tool`, then `go build`). */
export interface GoBuildSpec {
  /** For messages and the binary's file name: `consul`. */
  readonly name: string;
  /** The module and the version to get: `github.com/hashicorp/consul`, `v1.19.2`. */
  readonly module: string;
  readonly version: string;
  /** The main package to build (defaults to the module). */
  readonly mainPackage?: string;
  /** `module@version` pairs the wrapper module excludes (versions a dependency graph names but cannot build with). */
  readonly excludes?: readonly string[];
  /** Runs the built binary once; returns its version text, or throws if it is not the one expected. */
  readonly verify: (binary: string) => string;
  /** How to do without the build, appended to failure messages. */
  readonly hint?: string;
}

export interface GoBinary {
  readonly path: string;
  /** What `verify` returned. */
  readonly version: string;
  /** True if this call built it; false when the cache was reused. */
  readonly built: boolean;
  /** Time the build took (0 when cached). */
  readonly buildMs: number;
}

/** Where Go keeps downloaded modules and compiled packages for our builds: under the cache, never the user's. */
export interface GoDirs {
  readonly modCache: string;
  readonly buildCache: string;
}

export const goDirs = (cacheDir: string): GoDirs => ({
  modCache: path.join(cacheDir, 'go', 'mod'),
  buildCache: path.join(cacheDir, 'go', 'build'),
});

/** `go` from $GOROOT/bin, the PATH, or /usr/local/go/bin. */
export function findGo(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [
    ...(env.GOROOT ? [path.join(env.GOROOT, 'bin')] : []),
    ...(env.PATH ?? '').split(path.delimiter).filter(Boolean),
    '/usr/local/go/bin',
  ];
  for (const dir of dirs) {
    const candidate = path.join(dir, 'go');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The environment of our `go` runs: module and build caches under ours (so a user's GOPATH is neither needed nor
 * touched), a module cache that `rm -rf` can delete (-modcacherw), no cgo (a static binary), no workspace.
 */
export function goEnv(dirs: GoDirs, extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOMODCACHE: dirs.modCache,
    GOCACHE: dirs.buildCache,
    GOFLAGS: '-modcacherw -buildvcs=false',
    GOWORK: 'off',
    GO111MODULE: 'on',
    CGO_ENABLED: '0',
    ...extra,
  };
}

/** The `go build` flags; `-checklinkname=0` lets old `//go:linkname` pulls into the runtime link with a newer Go. */
export function goBuildArgs(output: string, mainPackage: string, relaxLinkname: boolean): string[] {
  return [
    'build',
    '-v',
    '-trimpath',
    ...(relaxLinkname ? ['-ldflags=-checklinkname=0'] : []),
    '-o',
    output,
    mainPackage,
  ];
}

/** True if `go get` failed because the checksum database could not be reached (not because a sum was wrong). */
export function isSumDbUnreachable(output: string): boolean {
  return /sum\.golang\.org/.test(output) && !/SECURITY ERROR|checksum mismatch/.test(output);
}

/** True if the link failed on a `//go:linkname` reference that newer Go versions refuse. */
export function isLinknameRefused(output: string): boolean {
  return /linkname/.test(output) && /(invalid reference|must be|not allowed|refer)/i.test(output);
}

const HEARTBEAT_MS = 30_000;

const minutes = (ms: number): string => {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
};

interface StepOptions {
  readonly go: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly logFile: string;
  readonly timeoutMs: number;
  /** Called every 30 s with the elapsed time and the output lines so far. */
  readonly heartbeat: (elapsedMs: number, lines: number) => void;
}

/** Runs one `go` command with a heartbeat; a failing or timed-out command resolves `ok: false` with its output. */
async function goStep(options: StepOptions): Promise<{ ok: boolean; output: string }> {
  const started = Date.now();
  let lines = 0;
  const beat = setInterval(() => options.heartbeat(Date.now() - started, lines), HEARTBEAT_MS);
  try {
    const exit = await spawnGo({
      go: options.go,
      args: options.args,
      cwd: options.cwd,
      env: options.env,
      logFile: options.logFile,
      deadline: started + options.timeoutMs,
      onLine: () => void lines++,
    });
    return {
      ok: exit.ok,
      output: exit.timedOut ? `${exit.output}\nkilled after ${minutes(options.timeoutMs)}` : exit.output,
    };
  } catch (error) {
    throw new GoBuildError(`could not run ${options.go}: ${(error as Error).message}`);
  } finally {
    clearInterval(beat);
  }
}

const tail = (output: string, lines = 30): string => output.trimEnd().split('\n').slice(-lines).join('\n');

interface Marker {
  readonly module: string;
  readonly version: string;
  readonly verified: string;
  readonly buildMs: number;
}

function readMarker(file: string, spec: GoBuildSpec): Marker | undefined {
  try {
    const marker = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Marker>;
    return marker.module === spec.module && marker.version === spec.version && typeof marker.verified === 'string'
      ? (marker as Marker)
      : undefined;
  } catch {
    return undefined;
  }
}

async function build(spec: GoBuildSpec, partial: string, dirs: GoDirs, log: (msg: string) => void): Promise<string> {
  const go = findGo();
  if (!go) {
    throw new GoBuildError(
      `building ${spec.name} needs Go (https://go.dev/dl) on PATH${spec.hint ? `; ${spec.hint}` : ''}`,
    );
  }
  const logFile = path.join(partial, 'build.log');
  const moduleDir = path.join(partial, 'module');
  const binary = path.join(partial, 'bin', spec.name);
  fs.mkdirSync(moduleDir, { recursive: true });
  fs.mkdirSync(path.dirname(binary), { recursive: true });
  let env = goEnv(dirs);
  const run = async (what: string, args: readonly string[], timeoutMs: number) =>
    goStep({
      go,
      args,
      cwd: moduleDir,
      env,
      logFile,
      timeoutMs,
      heartbeat: (elapsed, lines) =>
        log(`${spec.name}: still ${what} (${minutes(elapsed)}, ${lines} lines in ${logFile})`),
    });
  const fail = (what: string, output: string) =>
    new GoBuildError(
      `${what} failed (full log: ${logFile}):\n${tail(output)}${spec.hint ? `\n${spec.hint}` : ''}`.trim(),
    );

  const init = await run('creating the wrapper module', ['mod', 'init', `local/${spec.name}build`], 60_000);
  if (!init.ok) throw fail('go mod init', init.output);
  if (spec.excludes && spec.excludes.length > 0) {
    const edit = await run(
      'excluding modules',
      ['mod', 'edit', ...spec.excludes.map((exclude) => `-exclude=${exclude}`)],
      60_000,
    );
    if (!edit.ok) throw fail('go mod edit', edit.output);
  }

  const tool = `${spec.module}@${spec.version}`;
  log(`${spec.name}: downloading ${tool} and its dependencies from the Go module proxy (once)`);
  let get = await run('downloading modules', ['get', '-tool', tool], 30 * 60_000);
  if (!get.ok && isSumDbUnreachable(get.output) && env.GOSUMDB !== 'off') {
    log(`${spec.name}: the checksum database is unreachable; retrying with GOSUMDB=off`);
    env = { ...env, GOSUMDB: 'off' };
    get = await run('downloading modules', ['get', '-tool', tool], 30 * 60_000);
  }
  if (!get.ok) throw fail(`go get -tool ${tool}`, get.output);

  const mainPackage = spec.mainPackage ?? spec.module;
  log(`${spec.name}: compiling ${mainPackage} (CGO_ENABLED=0 go build -trimpath; several minutes the first time)`);
  let compiled = await run('compiling', goBuildArgs(binary, mainPackage, false), 60 * 60_000);
  if (!compiled.ok && isLinknameRefused(compiled.output)) {
    log(`${spec.name}: the linker refused a //go:linkname; retrying with -ldflags=-checklinkname=0`);
    compiled = await run('compiling', goBuildArgs(binary, mainPackage, true), 60 * 60_000);
  }
  if (!compiled.ok) throw fail(`go build ${mainPackage}`, compiled.output);
  return binary;
}

/**
 * The binary of `spec`, built once into `dir` (say `~/.cache/gantry/consul/1.19.2`) and reused from there without
 * running Go at all: a `.complete` marker is written last, after the binary ran and printed the expected version.
 * The build runs under `<dir>.lock` in `<dir>.partial`, renamed into place, so concurrent runs neither race nor
 * see half a build. Modules and compiled packages go to `goDirs(cacheDir)`.
 */
export async function buildGoBinary(
  spec: GoBuildSpec,
  dir: string,
  dirs: GoDirs,
  log: (msg: string) => void,
): Promise<GoBinary> {
  const binary = path.join(dir, 'bin', spec.name);
  const markerFile = path.join(dir, '.complete');
  const cached = (): GoBinary | undefined => {
    const marker = fs.existsSync(binary) ? readMarker(markerFile, spec) : undefined;
    return marker && { path: binary, version: marker.verified, built: false, buildMs: 0 };
  };
  const ready = cached();
  if (ready) return ready;
  return withLock(`${dir}.lock`, 90 * 60_000, async () => {
    const raced = cached();
    if (raced) return raced;
    const started = Date.now();
    const partial = `${dir}.partial`;
    fs.rmSync(partial, { recursive: true, force: true });
    fs.mkdirSync(partial, { recursive: true });
    const built = await build(spec, partial, dirs, log);
    const verified = spec.verify(built);
    const buildMs = Date.now() - started;
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(partial, dir);
    const marker: Marker = { module: spec.module, version: spec.version, verified, buildMs };
    fs.writeFileSync(markerFile, `${JSON.stringify(marker, null, 2)}\n`);
    log(`${spec.name}: built ${verified} in ${minutes(buildMs)}, cached in ${dir}`);
    return { path: binary, version: verified, built: true, buildMs };
  });
}
