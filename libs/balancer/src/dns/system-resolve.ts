import { promises as dns } from 'node:dns';

/** One address of a name, with the TTL (seconds) its record carried. */
export interface DnsRecord {
  readonly address: string;
  readonly ttl: number;
}

/** Resolves a hostname to its addresses; rejects (or returns none) when the name has none. */
export type ResolveFunction = (host: string) => Promise<readonly DnsRecord[]>;

/** TTL given to addresses that came from `getaddrinfo` (hosts file, search domains), which reports none. */
export const LOOKUP_TTL_SECONDS = 30;

const resolver = new dns.Resolver({ timeout: 2000, tries: 2 });

function isLocalhost(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

async function lookupAll(host: string): Promise<readonly DnsRecord[]> {
  const found = await dns.lookup(host, { all: true });
  const v4 = found.filter((f) => f.family === 4);
  return (v4.length > 0 ? v4 : found).map((f) => ({ address: f.address, ttl: LOOKUP_TTL_SECONDS }));
}

/**
 * Resolves like Kong's default record order: A records, else AAAA records, each with its TTL. Names DNS does not
 * know (the hosts file, search-domain short names, `localhost`) fall back to the system's `getaddrinfo`.
 */
export async function systemResolve(host: string): Promise<readonly DnsRecord[]> {
  if (isLocalhost(host)) return lookupAll(host);
  const [v4, v6] = await Promise.allSettled([
    resolver.resolve4(host, { ttl: true }),
    resolver.resolve6(host, { ttl: true }),
  ]);
  if (v4.status === 'fulfilled' && v4.value.length > 0) return v4.value;
  if (v6.status === 'fulfilled' && v6.value.length > 0) return v6.value;
  return lookupAll(host);
}
