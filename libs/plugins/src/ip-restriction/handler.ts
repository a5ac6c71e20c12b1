import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { PluginDefinition, PluginHandler } from '../runtime/plugin-definition';
import type { PluginRequest } from '../runtime/plugin-request';
import { ipRestrictionSchema, type IpRestrictionConfig } from './schema';

/** Addresses and CIDRs (IPv4 and IPv6) as one `BlockList`; null for an empty list (which restricts nothing). */
function blockListOf(entries: readonly string[] | null): BlockList | null {
  if (entries === null || entries.length === 0) return null;
  const list = new BlockList();
  for (const entry of entries) {
    const slash = entry.indexOf('/');
    const address = slash < 0 ? entry : entry.slice(0, slash);
    const type = isIPv6(address) ? 'ipv6' : 'ipv4';
    if (slash < 0) list.addAddress(address, type);
    else list.addSubnet(address, Number(entry.slice(slash + 1)), type);
  }
  return list;
}

function createHandler(config: IpRestrictionConfig): PluginHandler {
  const deny = blockListOf(config.deny);
  const allow = blockListOf(config.allow);
  const status = config.status ?? 403;

  function refuse(kong: PluginRequest): void {
    kong.error(status, config.message ?? `IP address not allowed: ${kong.clientIp}`);
  }

  return {
    access(kong: PluginRequest): void {
      const ip = kong.clientIp;
      const type = isIPv4(ip) ? 'ipv4' : isIPv6(ip) ? 'ipv6' : null;
      if (type === null) {
        kong.error(403, 'Cannot identify the client IP address, unix domain sockets are not supported.');
        return;
      }
      // Deny wins over allow, as in Kong.
      if (deny !== null && deny.check(ip, type)) refuse(kong);
      else if (allow !== null && !allow.check(ip, type)) refuse(kong);
    },
  };
}

/** Lets through or refuses clients by address (IPv4/IPv6 addresses and CIDR ranges). */
export const ipRestriction: PluginDefinition<IpRestrictionConfig> = {
  name: 'ip-restriction',
  priority: 990,
  version: '3.9.0',
  schema: ipRestrictionSchema,
  create: createHandler,
};
