/** Environment variables, read and validated; every error names the variable. */
export type Env = Readonly<Record<string, string | undefined>>;

function raw(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function envString(env: Env, name: string, fallback: string): string {
  return raw(env, name) ?? fallback;
}

export function envPort(env: Env, name: string, fallback: number): number {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65_535) {
    throw new Error(`${name} must be a TCP port (1-65535), got "${value}"`);
  }
  return port;
}

/** A duration in whole seconds in the environment, returned in milliseconds. */
export function envSeconds(env: Env, name: string, fallbackSeconds: number): number {
  const value = raw(env, name);
  if (value === undefined) return fallbackSeconds * 1000;
  if (!/^\d+$/.test(value) || Number(value) === 0) {
    throw new Error(`${name} must be a positive number of seconds, got "${value}"`);
  }
  return Number(value) * 1000;
}

/** A JVM heap size such as `512m` or `1g`. */
export function envHeap(env: Env, name: string, fallback: string): string {
  const value = raw(env, name) ?? fallback;
  if (!/^\d+[kmgKMG]$/.test(value)) throw new Error(`${name} must be a JVM size such as 512m or 1g, got "${value}"`);
  return value.toLowerCase();
}

/** A comma-separated list, or undefined when the variable is unset or blank. */
export function envList(env: Env, name: string): string[] | undefined {
  const value = raw(env, name);
  if (value === undefined) return undefined;
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  return items.length > 0 ? items : undefined;
}

export function envFlag(env: Env, name: string): boolean {
  const value = raw(env, name)?.toLowerCase();
  return value === '1' || value === 'true' || value === 'yes';
}
