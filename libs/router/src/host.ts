import type { HostRule } from './types';

const DIGITS = /^\d+$/;

interface NameAndPort {
  readonly name: string;
  readonly port: number | null;
}

/**
 * Splits `host[:port]` as Kong's `split_port` does: `[v6]:port` brackets are peeled, a single colon followed by
 * digits is a port, anything else (an unbracketed IPv6 address, garbage) is a name without port.
 */
export function splitHostPort(host: string): NameAndPort {
  if (host.charCodeAt(0) === 0x5b /* [ */) {
    const close = host.indexOf(']');
    if (close < 0) return { name: host, port: null };
    const name = host.slice(1, close);
    const rest = host.slice(close + 1);
    return { name, port: rest.startsWith(':') && DIGITS.test(rest.slice(1)) ? Number(rest.slice(1)) : null };
  }
  const colon = host.indexOf(':');
  if (colon < 0) return { name: host, port: null };
  const port = host.slice(colon + 1);
  if (port === '') return { name: host.slice(0, colon), port: null };
  if (!DIGITS.test(port)) return { name: host, port: null };
  return { name: host.slice(0, colon), port: Number(port) };
}

/** One configured `hosts` entry (exact, `*.suffix` or `prefix.*`, with an optional port), lower-cased. */
export function compileHost(value: string): HostRule {
  const { name, port } = splitHostPort(value.toLowerCase());
  if (name.startsWith('*')) return { kind: 'suffix', value, name: name.slice(1), port };
  if (name.endsWith('*')) return { kind: 'prefix', value, name: name.slice(0, -1), port };
  return { kind: 'exact', value, name, port };
}

/**
 * Whether a request host (already split and lower-cased) satisfies the rule. A rule without port accepts any
 * port; a rule with a port compares it with the Host header's port, or the scheme's default port when the header
 * has none. A wildcard stands for at least one character, as in Kong's `.+`.
 */
export function hostMatches(rule: HostRule, name: string, port: number): boolean {
  if (rule.port !== null && rule.port !== port) return false;
  switch (rule.kind) {
    case 'exact':
      return name === rule.name;
    case 'suffix':
      return name.length > rule.name.length && name.endsWith(rule.name);
    case 'prefix':
      return name.length > rule.name.length && name.startsWith(rule.name);
  }
}
