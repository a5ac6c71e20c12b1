import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runGo } from './go-command';
import type { Log } from './instance';
import { stagingModules, stagingReplaceArgs, type GoModJson, versionLdflags } from './k8s-staging';
import { withLock } from './lock';

export const KUBERNETES_VERSION = 'v1.33.4';

const MAIN_PACKAGE = 'k8s.io/kubernetes/cmd/kube-apiserver';

export class KubeApiserverBuildError extends Error {
  override readonly name = 'KubeApiserverBuildError';
  readonly code = 'INFRA_K8S_BUILD';
}

export interface KubeApiserverBuildSpec {
  /** A Kubernetes release, e.g. `v1.33.4`. */
  readonly version: string;
  /** The gantry cache root (`~/.cache/gantry`): the build lives in `<root>/k8s/<version>/`. */
  readonly cacheDir: string;
  /** The whole build, lock wait included, must end within this. */
  readonly timeoutMs: number;
  /** `go build -p`: packages compiled at once (Go's default is the number of CPUs). */
  readonly parallelism?: number;
  /** How often a running build says how far it is. */
  readonly progressIntervalMs?: number;
}

export interface KubeApiserverBinary {
  readonly path: string;
  /** What `kube-apiserver --version` printed, e.g. `Kubernetes v1.33.4`. */
  readonly reported: string;
  /** True if this call built it; false when the cache was reused. */
  readonly built: boolean;
}

interface Marker {
  readonly version: string;
  readonly reported: string;
  readonly buildSeconds: number;
  readonly go: string;
}

/** `<cache>/k8s/<version>`: the binary in `bin/`, the wrapper module, Go's module and build caches in `go/`. */
export function kubeApiserverCacheDir(cacheDir: string, version: string): string {
  return path.join(cacheDir, 'k8s', version);
}

function readMarker(file: string, version: string): Marker | undefined {
  try {
    const marker = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Marker>;
    return marker.version === version && typeof marker.reported === 'string' ? (marker as Marker) : undefined;
  } catch {
    return undefined;
  }
}

/** Runs the binary's `--version`; the build only counts when it reports the release it was built from. */
function reportedVersion(binary: string, version: string): string {
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  const reported = `${result.stdout ?? ''}`.trim();
  if (result.error || result.status !== 0 || reported !== `Kubernetes ${version}`) {
    const why = result.error?.message ?? `exit ${result.status}`;
    throw new KubeApiserverBuildError(
      `${binary} --version should print "Kubernetes ${version}", got "${reported}" (${why}) ${result.stderr ?? ''}`,
    );
  }
  return reported;
}

const minutes = (ms: number): string =>
  `${Math.floor(ms / 60_000)}m${String(Math.floor(ms / 1000) % 60).padStart(2, '0')}s`;

/** The steps of one build, each a `go` command in the wrapper module; progress is logged as they run. */
async function build(spec: KubeApiserverBuildSpec, dir: string, deadline: number, log: Log): Promise<Marker> {
  const began = Date.now();
  const wrapper = path.join(dir, 'wrapper');
  const bin = path.join(dir, 'bin');
  const logFile = path.join(dir, 'build.log');
  fs.mkdirSync(wrapper, { recursive: true });
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(logFile, `gantry: building kube-apiserver ${spec.version}, ${new Date().toISOString()}\n`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GOMODCACHE: path.join(dir, 'go', 'mod'),
    GOCACHE: path.join(dir, 'go', 'build'),
    GOFLAGS: '-modcacherw', // so that `rm -rf` can clear the module cache
    GOWORK: 'off',
    CGO_ENABLED: '0',
  };
  let step = 'resolving k8s.io/kubernetes';
  let progress = '';
  let count = 0;
  const go = (args: string[], onLine?: (line: string) => void) =>
    runGo({ args, cwd: wrapper, env, logFile, onLine, deadline });
  const ticker = setInterval(
    () => log(`k8s: building kube-apiserver ${spec.version}: ${step}, ${minutes(Date.now() - began)}${progress}`),
    spec.progressIntervalMs ?? 30_000,
  );
  try {
    const download = JSON.parse(await go(['mod', 'download', '-json', `k8s.io/kubernetes@${spec.version}`])) as {
      GoMod?: string;
    };
    if (!download.GoMod) throw new KubeApiserverBuildError(`go mod download named no go.mod for ${spec.version}`);
    const modules = stagingModules(JSON.parse(await go(['mod', 'edit', '-json', download.GoMod])) as GoModJson);
    if (modules.length === 0) throw new KubeApiserverBuildError(`${download.GoMod} requires no k8s.io/* at v0.0.0`);

    for (const file of ['go.mod', 'go.sum']) fs.rmSync(path.join(wrapper, file), { force: true });
    await go(['mod', 'init', 'local/gantry-kube-apiserver']);
    await go(['mod', 'edit', ...stagingReplaceArgs(modules, spec.version)]);

    step = 'fetching its modules (go get)';
    await go(['get', '-tool', `${MAIN_PACKAGE}@${spec.version}`], (line) => {
      if (line.startsWith('go: downloading ')) progress = `, ${++count} modules downloaded`;
    });

    // go build -v names each package it compiles: against this total, the progress reads "812 of 1934".
    const total = (await go(['list', '-deps', MAIN_PACKAGE])).split('\n').filter(Boolean).length;
    step = 'compiling (go build)';
    count = 0;
    progress = '';
    const partial = path.join(bin, 'kube-apiserver.partial');
    const parallelism = spec.parallelism ? ['-p', String(spec.parallelism)] : [];
    await go(
      [
        'build',
        '-v',
        ...parallelism,
        '-pgo=off',
        '-trimpath',
        '-ldflags',
        versionLdflags(spec.version),
        '-o',
        partial,
        MAIN_PACKAGE,
      ],
      (line) => {
        if (/^[\w.-]+(\/[\w.~-]+)*$/.test(line)) progress = `, ${++count} of ${total} packages compiled`;
      },
    );
    const reported = reportedVersion(partial, spec.version);
    fs.renameSync(partial, path.join(bin, 'kube-apiserver'));
    const goVersion = (await go(['env', 'GOVERSION'])).trim();
    return { version: spec.version, reported, buildSeconds: Math.round((Date.now() - began) / 1000), go: goVersion };
  } finally {
    clearInterval(ticker);
  }
}

/**
 * kube-apiserver `spec.version`, built once from the Go module proxy into `<cache>/k8s/<version>/bin` and reused
 * from there offline: the `.complete` marker is written only after `--version` reported the release. The build
 * runs under `<cache>/k8s/<version>.lock`, so a second `up` (another shell, a Jest run) waits for it.
 */
export async function kubeApiserverBinary(spec: KubeApiserverBuildSpec, log: Log): Promise<KubeApiserverBinary> {
  const dir = kubeApiserverCacheDir(spec.cacheDir, spec.version);
  const binary = path.join(dir, 'bin', 'kube-apiserver');
  const markerFile = path.join(dir, '.complete');
  const cached = (): KubeApiserverBinary | undefined => {
    const marker = fs.existsSync(binary) ? readMarker(markerFile, spec.version) : undefined;
    return marker && { path: binary, reported: marker.reported, built: false };
  };
  const ready = cached();
  if (ready) return ready;
  const deadline = Date.now() + spec.timeoutMs; // waiting for another build's lock included
  const lock = `${dir}.lock`;
  if (fs.existsSync(lock)) log(`k8s: waiting for ${lock}: another up is building kube-apiserver ${spec.version}`);
  return withLock(lock, spec.timeoutMs, async () => {
    const raced = cached();
    if (raced) return raced;
    log(
      `k8s: building kube-apiserver ${spec.version} from the Go module proxy, once (about 10 min and 2 GB of RAM on 2 cores; ` +
        `output in ${path.join(dir, 'build.log')})`,
    );
    fs.rmSync(markerFile, { force: true });
    const marker = await build(spec, dir, deadline, log);
    fs.writeFileSync(markerFile, `${JSON.stringify(marker, null, 2)}\n`);
    log(`k8s: kube-apiserver ${spec.version} built in ${minutes(marker.buildSeconds * 1000)}, cached in ${dir}`);
    return { path: binary, reported: marker.reported, built: true };
  });
}
