import { postJson } from '../proxy/http';

/** Limits no benchmark run reaches: the plugins do all their work, and never answer 429. */
const UNREACHABLE_LIMITS = { second: 100_000_000, minute: 1_000_000_000 } as const;

/** The API key every measured request carries, and the consumer and group it belongs to. */
export const BENCH_API_KEY = 'bench-key';
export const BENCH_HEADERS: Readonly<Record<string, string>> = {
  apikey: BENCH_API_KEY,
  origin: 'https://app.example.com',
};

/** Paths of the routes each chain is configured on (all to the same service as route `/`). */
export const CHAIN_PATHS = {
  none: '/none',
  authRateLimit: '/key-auth-rate-limiting',
  six: '/six-plugins',
  rateLimitLocal: '/rate-limiting-local',
  rateLimitCluster: '/rate-limiting-cluster',
} as const;

async function route(adminUrl: string, service: string, path: string): Promise<void> {
  await postJson(`${adminUrl}/services/${service}/routes`, { name: path.slice(1), paths: [path] });
}

async function plugin(adminUrl: string, routeName: string, name: string, config: object = {}): Promise<void> {
  await postJson(`${adminUrl}/routes/${routeName}/plugins`, { name, config });
}

/**
 * Routes with the chains issue 5 measures, through the Admin API: none; key-auth + rate-limiting (local); the
 * six-plugin chain key-auth, acl, rate-limiting, cors, request-transformer and prometheus.
 */
export async function configureChains(adminUrl: string, service: string): Promise<void> {
  await postJson(`${adminUrl}/consumers`, { username: 'bench' });
  await postJson(`${adminUrl}/consumers/bench/key-auth`, { key: BENCH_API_KEY });
  await postJson(`${adminUrl}/consumers/bench/acls`, { group: 'bench-group' });

  await route(adminUrl, service, CHAIN_PATHS.none);

  await route(adminUrl, service, CHAIN_PATHS.authRateLimit);
  await plugin(adminUrl, 'key-auth-rate-limiting', 'key-auth');
  await plugin(adminUrl, 'key-auth-rate-limiting', 'rate-limiting', { ...UNREACHABLE_LIMITS, policy: 'local' });

  await route(adminUrl, service, CHAIN_PATHS.six);
  await plugin(adminUrl, 'six-plugins', 'key-auth');
  await plugin(adminUrl, 'six-plugins', 'acl', { allow: ['bench-group'] });
  await plugin(adminUrl, 'six-plugins', 'rate-limiting', { ...UNREACHABLE_LIMITS, policy: 'local' });
  await plugin(adminUrl, 'six-plugins', 'cors', { origins: ['https://app.example.com'] });
  await plugin(adminUrl, 'six-plugins', 'request-transformer', { add: { headers: ['x-bench:1'] } });
  await plugin(adminUrl, 'six-plugins', 'prometheus', { status_code_metrics: true, latency_metrics: true });
}

/** Two routes with rate-limiting alone, one per policy, for the cluster policy's cost. */
export async function configureRateLimitPolicies(adminUrl: string, service: string): Promise<void> {
  await route(adminUrl, service, CHAIN_PATHS.rateLimitLocal);
  await plugin(adminUrl, 'rate-limiting-local', 'rate-limiting', { ...UNREACHABLE_LIMITS, policy: 'local' });
  await route(adminUrl, service, CHAIN_PATHS.rateLimitCluster);
  await plugin(adminUrl, 'rate-limiting-cluster', 'rate-limiting', { ...UNREACHABLE_LIMITS, policy: 'cluster' });
}
