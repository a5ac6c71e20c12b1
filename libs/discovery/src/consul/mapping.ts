import { isIPv6 } from 'node:net';
import type { DesiredTarget } from '../desired';
import type { ConsulInstance } from './health';
import type { ResolvedMapping } from './resolve-options';

/** Kong's target weight range. */
export const MAX_TARGET_WEIGHT = 65535;

/** A desired target with the upstream a Consul instance maps to. */
export interface MappedTarget extends DesiredTarget {
  readonly upstream: string;
  readonly tags: readonly string[];
}

/** The values of the `<prefix>=<value>` tags. */
function tagValues(tags: readonly string[], prefix: string): string[] {
  const head = `${prefix}=`;
  return tags
    .filter((tag) => tag.startsWith(head))
    .map((tag) => tag.slice(head.length).trim())
    .filter((value) => value !== '');
}

/**
 * Whether a catalog service needs a health watch: one of its instances may map to an upstream. `metaServices`
 * are the services the catalog reports with the meta key (the catalog list shows tags, not meta).
 */
export function isCandidate(
  name: string,
  tags: readonly string[],
  mapping: ResolvedMapping,
  metaServices: ReadonlySet<string>,
): boolean {
  if (mapping.excludeServices.has(name)) return false;
  if (mapping.byServiceName || metaServices.has(name)) return true;
  return mapping.tagPrefix !== null && tagValues(tags, mapping.tagPrefix).length > 0;
}

/**
 * The upstreams an instance maps to: every `<tagPrefix>=<u>` tag and every name of its `<metaKey>` meta
 * (comma-separated), or, when neither names one and `byServiceName` is on, its service's name.
 */
export function upstreamsOf(instance: ConsulInstance, mapping: ResolvedMapping): string[] {
  const names = new Set<string>();
  if (mapping.tagPrefix !== null) for (const name of tagValues(instance.tags, mapping.tagPrefix)) names.add(name);
  const meta = mapping.metaKey === null ? undefined : instance.meta[mapping.metaKey];
  for (const name of meta?.split(',') ?? []) if (name.trim() !== '') names.add(name.trim());
  if (names.size === 0 && mapping.byServiceName) names.add(instance.service);
  return [...names].sort();
}

export function clampWeight(weight: number): number {
  if (!Number.isFinite(weight)) return 0;
  return Math.min(MAX_TARGET_WEIGHT, Math.max(0, Math.round(weight)));
}

/**
 * `Weights.Passing` for a passing instance, `Weights.Warning` for a warning one, clamped to 0..65535. A
 * `<weightTagPrefix>=<n>` tag replaces the passing weight and scales the warning weight alike.
 */
export function targetWeight(instance: ConsulInstance, mapping: ResolvedMapping): number {
  const { passing, warning } = instance.weights;
  const given = mapping.weightTagPrefix === null ? [] : tagValues(instance.tags, mapping.weightTagPrefix);
  const override =
    given.length > 0 && /^\d+$/.test(given[given.length - 1]) ? Number(given[given.length - 1]) : undefined;
  if (instance.health === 'passing') return clampWeight(override ?? passing);
  if (override === undefined) return clampWeight(warning);
  return clampWeight(passing > 0 ? (override * warning) / passing : warning);
}

/** `host:port` (`[v6]:port`), or undefined when the instance has no usable port or address. */
export function targetAddress(instance: ConsulInstance): string | undefined {
  const { address, port } = instance;
  if (!Number.isInteger(port) || port < 1 || port > 65535 || address === '') return undefined;
  return isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Kong tags are printable characters without `,` and `/`. */
function tagSafe(value: string): string {
  return value.replace(/[\s,/\p{Cc}]/gu, '_');
}

export interface MappedService {
  readonly targets: MappedTarget[];
  /** Healthy, mapped instances without a usable address or port. */
  readonly unroutable: number;
}

/**
 * The targets of one service's healthy instances: passing ones, and warning ones when `includeWarning`.
 * Gateways and sidecar proxies (`Kind` set) are not backends and are left out.
 */
export function mapService(
  instances: readonly ConsulInstance[],
  mapping: ResolvedMapping,
  includeWarning: boolean,
): MappedService {
  const targets: MappedTarget[] = [];
  let unroutable = 0;
  for (const instance of instances) {
    if (instance.kind !== '' || mapping.excludeServices.has(instance.service)) continue;
    if (instance.health === 'critical' || (instance.health === 'warning' && !includeWarning)) continue;
    const upstreams = upstreamsOf(instance, mapping);
    if (upstreams.length === 0) continue;
    const target = targetAddress(instance);
    if (target === undefined) {
      unroutable++;
      continue;
    }
    const weight = targetWeight(instance, mapping);
    const tags = [`consul-service:${tagSafe(instance.service)}`, `consul-node:${tagSafe(instance.node)}`];
    for (const upstream of upstreams) targets.push({ upstream, target, weight, tags });
  }
  return { targets, unroutable };
}
