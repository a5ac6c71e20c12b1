import type { Entity } from '../kinds';

/** Creation time of every bench entity, so runs are repeatable. */
export const BENCH_TIME = 1_700_000_000;

/** A service as the Admin API stores it (every Kong default filled in), for benchmarks that build large states. */
export function benchService(id: string, i: number, overrides: Partial<Entity> = {}): Entity {
  return {
    id,
    created_at: BENCH_TIME,
    updated_at: BENCH_TIME,
    name: `svc-${i}`,
    retries: 5,
    protocol: 'http',
    host: `backend-${i}.internal`,
    port: 80,
    path: null,
    connect_timeout: 60000,
    write_timeout: 60000,
    read_timeout: 60000,
    tags: null,
    client_certificate: null,
    tls_verify: null,
    tls_verify_depth: null,
    ca_certificates: null,
    enabled: true,
    ...overrides,
  };
}

/** A route on `serviceId` with every Kong default filled in. */
export function benchRoute(id: string, i: number, serviceId: string, overrides: Partial<Entity> = {}): Entity {
  return {
    id,
    created_at: BENCH_TIME,
    updated_at: BENCH_TIME,
    name: `route-${i}`,
    protocols: ['http', 'https'],
    https_redirect_status_code: 426,
    strip_path: true,
    preserve_host: false,
    request_buffering: true,
    response_buffering: true,
    tags: null,
    service: { id: serviceId },
    snis: null,
    sources: null,
    destinations: null,
    methods: null,
    hosts: null,
    paths: [`/r${i}`],
    headers: null,
    regex_priority: 0,
    path_handling: 'v0',
    ...overrides,
  };
}
