import type { PluginRequest } from '../runtime/plugin-request';
import type { RateLimitingConfig } from './schema';

/** Who a request counts against. */
export type Identify = (kong: PluginRequest) => string;

/**
 * Kong's `limit_by`: the consumer (or its credential), the credential, the service, a header's value or the
 * configured path; whenever that is unknown (no consumer yet, header absent, another path) the client's IP.
 */
export function identifierFor(config: RateLimitingConfig): Identify {
  switch (config.limit_by) {
    case 'consumer':
      return (kong) => kong.consumer?.id ?? kong.credential?.id ?? kong.clientIp;
    case 'credential':
      return (kong) => kong.credential?.id ?? kong.clientIp;
    case 'service':
      return (kong) => kong.service?.id ?? kong.clientIp;
    case 'header': {
      const name = (config.header_name ?? '').toLowerCase();
      return (kong) => kong.header(name) ?? kong.clientIp;
    }
    case 'path': {
      const path = config.path;
      return (kong) => (kong.path === path ? path : kong.clientIp);
    }
    case 'ip':
      return (kong) => kong.clientIp;
  }
}
