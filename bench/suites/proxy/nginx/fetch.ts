import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fetchDebianBinary } from '../../../../infra/src/debian';
import type { Env } from '../../../../infra/src/env';
import { cacheDir } from '../../../../infra/src/paths';

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

function versionOf(binary: string, env: Readonly<Record<string, string>>): string {
  const result = spawnSync(binary, ['-v'], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  const output = `${result.stdout}${result.stderr}`;
  if (result.error || result.status !== 0) {
    throw new NginxFetchError(
      `${binary} -v failed (${result.error?.message ?? `exit ${result.status}`}):\n${output}`.trim(),
    );
  }
  const match = /nginx\/\S+/.exec(output);
  if (!match) throw new NginxFetchError(`${binary} -v printed no version: ${output}`);
  return match[0];
}

/**
 * The nginx binary for case (b): `GANTRY_NGINX_BIN` if set; else Debian's `nginx` package, fetched once with
 * `apt-get download` into `<GANTRY_CACHE_DIR or ~/.cache/gantry>/nginx` and extracted with `dpkg-deb -x`
 * (with any shared library `ldd` finds missing, fetched the same way: infra's `fetchDebianBinary`). No root,
 * no system install.
 */
export async function nginxBinary(log: (msg: string) => void, env: Env = process.env): Promise<NginxBinary> {
  const configured = env.GANTRY_NGINX_BIN?.trim();
  if (configured) {
    if (!fs.existsSync(configured)) throw new NginxFetchError(`GANTRY_NGINX_BIN=${configured} does not exist`);
    return { path: configured, env: {}, version: versionOf(configured, {}) };
  }
  const fetched = await fetchDebianBinary(
    {
      name: 'nginx',
      packages: [NGINX_PACKAGE],
      binary: path.join('usr', 'sbin', 'nginx'),
      version: versionOf,
      hint: 'or set GANTRY_NGINX_BIN to an nginx binary that runs here',
    },
    path.join(cacheDir(env), 'nginx'),
    log,
  );
  return { path: fetched.path, env: fetched.env, version: fetched.version };
}
