/** A `host:port` pair that a server binds to. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export class SettingsError extends Error {
  readonly code = 'GANTRY_INVALID_SETTING';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

/**
 * Parses `host:port`, `[v6]:port` or a bare port. A bare port binds to `defaultHost`.
 * Rejected at start-up rather than at bind time so the message names the variable.
 */
export function parseListenAddress(variable: string, raw: string, defaultHost: string): ListenAddress {
  const value = raw.trim();
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(value) ?? /^()()(\d+)$/.exec(value);
  if (!match) throw new SettingsError(variable, `expected host:port, got "${raw}"`);
  const host = match[1] || match[2] || defaultHost;
  return { host, port: parsePort(variable, match[3]) };
}

export function parsePort(variable: string, raw: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SettingsError(variable, `port must be an integer between 0 and 65535, got "${raw}"`);
  }
  return port;
}

export function parseList(raw: string): string[] {
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}
