import { ConsulWatchError } from './errors';

/** An instance's health: the worst of its node's and its own checks. */
export type InstanceHealth = 'passing' | 'warning' | 'critical';

/** One entry of `/v1/health/service/<name>`, reduced to what mapping needs. */
export interface ConsulInstance {
  readonly node: string;
  /** Service instance id, unique per node. */
  readonly id: string;
  readonly service: string;
  /** '' for a typical service; `connect-proxy`, `mesh-gateway`… otherwise. */
  readonly kind: string;
  /** `Service.Address`, or the node's address when the service has none. */
  readonly address: string;
  readonly port: number;
  readonly tags: readonly string[];
  readonly meta: Readonly<Record<string, string>>;
  /** Consul's `Weights`; Consul fills in 1 and 1 when the registration gave none. */
  readonly weights: { readonly passing: number; readonly warning: number };
  readonly health: InstanceHealth;
}

const RANK: Record<InstanceHealth, number> = { passing: 0, warning: 1, critical: 2 };

/**
 * The worst status of the checks: `passing`, `warning`, anything else (`critical`, and maintenance mode, which
 * Consul shows as a critical check) is `critical`. No check at all is passing, as Consul's own `?passing` has it.
 */
export function worstHealth(statuses: readonly string[]): InstanceHealth {
  let worst: InstanceHealth = 'passing';
  for (const status of statuses) {
    const health: InstanceHealth = status === 'passing' || status === 'warning' ? status : 'critical';
    if (RANK[health] > RANK[worst]) worst = health;
  }
  return worst;
}

type Json = Record<string, unknown>;

function object(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(object(value) ?? {})) if (typeof v === 'string') out[key] = v;
  return out;
}

function weight(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function instance(entry: unknown, where: string): ConsulInstance {
  const e = object(entry);
  const node = object(e?.Node);
  const service = object(e?.Service);
  const checks = e?.Checks;
  if (node === undefined || service === undefined || !Array.isArray(checks)) {
    throw new ConsulWatchError('GANTRY_CONSUL_BAD_RESPONSE', `${where}: an entry lacks Node, Service or Checks`);
  }
  const port = service.Port;
  if (text(node.Node) === '' || text(service.Service) === '' || typeof port !== 'number') {
    throw new ConsulWatchError(
      'GANTRY_CONSUL_BAD_RESPONSE',
      `${where}: an entry lacks Node.Node, Service.Service or Service.Port`,
    );
  }
  const weights = object(service.Weights);
  return {
    node: text(node.Node),
    id: text(service.ID) || text(service.Service),
    service: text(service.Service),
    kind: text(service.Kind),
    address: text(service.Address) || text(node.Address),
    port,
    tags: strings(service.Tags),
    meta: stringMap(service.Meta),
    weights: { passing: weight(weights?.Passing, 1), warning: weight(weights?.Warning, 1) },
    health: worstHealth(checks.map((c) => text(object(c)?.Status))),
  };
}

/** Parses a `/v1/health/service/<name>` body; throws `GANTRY_CONSUL_BAD_RESPONSE` on another shape. */
export function parseHealthService(service: string, body: unknown): ConsulInstance[] {
  const where = `/v1/health/service/${service}`;
  if (!Array.isArray(body)) throw new ConsulWatchError('GANTRY_CONSUL_BAD_RESPONSE', `${where} did not answer a list`);
  return body.map((entry) => instance(entry, where));
}
