import { isIPv4, isIPv6 } from 'node:net';

/** A parsed `host[:port]`, as Kong's `normalize_ip` understands it. */
export interface ParsedAddress {
  type: 'ipv4' | 'ipv6' | 'name';
  host: string;
  port?: number;
}

/** Parses `host`, `host:port`, `1.2.3.4:80`, `[::1]:80` or `::1`; returns an error message when invalid. */
export function parseAddress(address: string): ParsedAddress | { error: string } {
  if (address.startsWith('[')) {
    const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(address);
    if (m === null || !isIPv6(m[1])) return { error: `invalid ipv6 address: ${address}` };
    return withPort({ type: 'ipv6', host: m[1] }, m[2]);
  }
  const colons = address.split(':').length - 1;
  if (colons > 1)
    return isIPv6(address) ? { type: 'ipv6', host: address } : { error: `invalid ipv6 address: ${address}` };
  let host = address;
  let port: string | undefined;
  if (colons === 1) {
    const idx = address.indexOf(':');
    port = address.slice(idx + 1);
    host = address.slice(0, idx);
    if (!/^\d+$/.test(port)) return { error: `invalid hostname: ${address}` };
  }
  if (/^[\d.]+$/.test(host)) {
    return isIPv4(host) ? withPort({ type: 'ipv4', host }, port) : { error: `invalid ipv4 address: ${address}` };
  }
  if (!isHostname(host)) return { error: `invalid hostname: ${address}` };
  return withPort({ type: 'name', host }, port);
}

function withPort(parsed: ParsedAddress, port: string | undefined): ParsedAddress | { error: string } {
  if (port === undefined) return parsed;
  const n = Number(port);
  if (n > 65535) return { error: 'invalid port number' };
  return { ...parsed, port: n };
}

function isHostname(name: string): boolean {
  if (!/^[A-Za-z0-9\-._]+$/.test(name)) return false;
  const labels = name.split('.');
  return labels.every((label, i) => {
    // A trailing dot (FQDN) leaves one empty last label, which is fine.
    if (label === '') return i === labels.length - 1 && i > 0;
    return !label.endsWith('-');
  });
}

/** Formats a host and port the way Kong writes targets (`[::1]:80` for IPv6). */
export function formatAddress(parsed: ParsedAddress, port: number): string {
  return parsed.type === 'ipv6' ? `[${parsed.host}]:${port}` : `${parsed.host}:${port}`;
}

/** `1.2.3.4`, `::1`, `10.0.0.0/8` or `fe80::/10`. */
export function isIpOrCidr(value: string): boolean {
  const slash = value.indexOf('/');
  if (slash < 0) return isIPv4(value) || isIPv6(value);
  const ip = value.slice(0, slash);
  const bits = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits)) return false;
  const n = Number(bits);
  if (isIPv4(ip)) return n <= 32;
  if (isIPv6(ip)) return n <= 128;
  return false;
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * Kong's path normalisation for prefix paths: decodes percent-escapes of unreserved characters, upper-cases the
 * remaining escapes and removes dot segments.
 */
export function normalizePath(path: string): string {
  const decoded = path.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) => {
    const ch = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(ch) ? ch : `%${hex.toUpperCase()}`;
  });
  return removeDotSegments(decoded);
}

function removeDotSegments(path: string): string {
  const out: string[] = [];
  const segments = path.split('/');
  segments.forEach((seg, i) => {
    const last = i === segments.length - 1;
    if (seg === '.') {
      if (last) out.push('');
    } else if (seg === '..') {
      if (out.length > 1) out.pop();
      if (last) out.push('');
    } else {
      out.push(seg);
    }
  });
  return out.join('/');
}
