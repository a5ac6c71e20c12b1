import * as os from 'node:os';
import * as path from 'node:path';
import type { Env } from './env';

/** The clone this code lives in (`infra/src` is two levels below it). */
export const REPO_ROOT = path.resolve(__dirname, '../..');

function expandHome(value: string): string {
  return value === '~' || value.startsWith('~/') ? path.join(os.homedir(), value.slice(1)) : value;
}

/** Downloads (jars, Maven's local repository) live OUTSIDE the clone, so fresh clones reuse them. */
export function cacheDir(env: Env = process.env): string {
  const configured = env.GANTRY_CACHE_DIR?.trim();
  return configured ? path.resolve(expandHome(configured)) : path.join(os.homedir(), '.cache', 'gantry');
}

/** Per-run state (data, logs, pid files, generated configs) lives in a git-ignored folder of the clone. */
export function infraDir(env: Env = process.env): string {
  const configured = env.GANTRY_INFRA_DIR?.trim();
  return configured ? path.resolve(expandHome(configured)) : path.join(REPO_ROOT, '.infra');
}

/** The directory of one running instance, e.g. `<repo>/.infra/kafka`. */
export function instanceDir(name: string, env: Env = process.env): string {
  return path.join(infraDir(env), name);
}
