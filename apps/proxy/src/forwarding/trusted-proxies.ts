import { BlockList, isIP } from 'node:net';
import { ForwardingError } from './errors';

const MAPPED_V4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/**
 * Kong's `trusted_ips`: the clients whose `X-Forwarded-Proto/Host/Port/Path/Prefix` and `X-Real-IP` headers are
 * passed on instead of being overwritten. Kong trusts nobody by default, and so does `TrustedProxies.none()`.
 */
export class TrustedProxies {
  private readonly list = new BlockList();
  private readonly empty: boolean;

  /** @param entries IPs or CIDRs, IPv4 or IPv6 (`0.0.0.0/0` and `::/0` trust everyone). */
  constructor(entries: readonly string[]) {
    for (const raw of entries) this.add(raw.trim());
    this.empty = entries.length === 0;
  }

  static none(): TrustedProxies {
    return new TrustedProxies([]);
  }

  /** Parses a comma-separated list, as in an environment variable; blank entries are ignored. */
  static parse(list: string): TrustedProxies {
    return new TrustedProxies(
      list
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ''),
    );
  }

  contains(address: string): boolean {
    if (this.empty) return false;
    const mapped = MAPPED_V4.exec(address);
    if (mapped !== null) return this.list.check(mapped[1], 'ipv4');
    const family = isIP(address);
    if (family === 0) return false;
    return this.list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }

  private add(entry: string): void {
    const slash = entry.indexOf('/');
    const ip = slash === -1 ? entry : entry.slice(0, slash);
    const family = isIP(ip);
    if (family === 0)
      throw new ForwardingError('GANTRY_FORWARD_INVALID_TRUSTED_IP', `invalid trusted IP or CIDR '${entry}'`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (slash === -1) {
      this.list.addAddress(ip, type);
      return;
    }
    const prefixText = entry.slice(slash + 1);
    const prefix = Number(prefixText);
    if (!/^\d+$/.test(prefixText) || prefix > (family === 4 ? 32 : 128)) {
      throw new ForwardingError(
        'GANTRY_FORWARD_INVALID_TRUSTED_IP',
        `invalid prefix length in trusted CIDR '${entry}'`,
      );
    }
    this.list.addSubnet(ip, prefix, type);
  }
}
