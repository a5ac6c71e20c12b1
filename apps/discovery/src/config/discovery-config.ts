import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** One source entry of the discovery config file, as written; each kind's factory checks its own fields. */
export type SourceEntry = Readonly<Record<string, unknown>>;

/**
 * What `GANTRY_DISCOVERY_CONFIG` (a YAML or JSON file) configures:
 *
 * ```yaml
 * consul:      [{ address: http://127.0.0.1:8500, datacenter: dc1, token: ..., include_warning: false }]
 * kubernetes:  [{ kubeconfig: /etc/gantry/prod.kubeconfig, name: prod, namespaces: [shop] }]
 * reconciler:  { empty_grace_ms: 30000, empty_grace_min_targets: 1, min_change_interval_ms: 1000 }
 * lease:       { ttl_ms: 10000 }
 * ```
 *
 * `GANTRY_DISCOVERY_CONSUL` (comma-separated addresses) and `GANTRY_DISCOVERY_KUBECONFIG` (comma-separated
 * paths) add sources with default options, for the common one-registry case.
 */
export interface DiscoveryConfig {
  readonly consul: readonly SourceEntry[];
  readonly kubernetes: readonly SourceEntry[];
  readonly reconciler: {
    readonly emptyGraceMs?: number;
    readonly emptyGraceMinTargets?: number;
    readonly minChangeIntervalMs?: number;
  };
  readonly lease: { readonly ttlMs: number };
}

/** A discovery config that cannot run; the message names the file and the field. */
export class DiscoveryConfigError extends Error {
  override readonly name = 'DiscoveryConfigError';
  readonly code = 'GANTRY_DISCOVERY_CONFIG';
}

const DEFAULT_LEASE_TTL_MS = 10_000;

function list(value: unknown, where: string): SourceEntry[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new DiscoveryConfigError(`${where}: expected a list of sources`);
  return value.map((entry, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new DiscoveryConfigError(`${where}[${i}]: expected an object`);
    }
    return entry as SourceEntry;
  });
}

function optionalMs(record: Record<string, unknown>, key: string, where: string): number | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new DiscoveryConfigError(`${where}.${key}: expected a number >= 0`);
  }
  return value;
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new DiscoveryConfigError(`${where}: expected an object`);
  return value as Record<string, unknown>;
}

function csv(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Reads the discovery config from the environment (and the file it names); no sources is a valid config. */
export function loadDiscoveryConfig(env: NodeJS.ProcessEnv): DiscoveryConfig {
  const file = env.GANTRY_DISCOVERY_CONFIG;
  let doc: Record<string, unknown> = {};
  if (file !== undefined && file !== '') {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new DiscoveryConfigError(`GANTRY_DISCOVERY_CONFIG: cannot read ${file}: ${(error as Error).message}`);
    }
    try {
      doc = record(parse(text), file);
    } catch (error) {
      if (error instanceof DiscoveryConfigError) throw error;
      throw new DiscoveryConfigError(`GANTRY_DISCOVERY_CONFIG: ${file} is not valid YAML: ${(error as Error).message}`);
    }
  }
  const where = file ?? 'discovery config';
  const known = new Set(['consul', 'kubernetes', 'reconciler', 'lease']);
  for (const key of Object.keys(doc)) {
    if (!known.has(key)) throw new DiscoveryConfigError(`${where}: unknown section '${key}'`);
  }
  const reconciler = record(doc.reconciler, `${where}: reconciler`);
  const lease = record(doc.lease, `${where}: lease`);
  const ttlMs = optionalMs(lease, 'ttl_ms', `${where}: lease`) ?? DEFAULT_LEASE_TTL_MS;
  if (ttlMs < 1_000) throw new DiscoveryConfigError(`${where}: lease.ttl_ms: expected at least 1000`);
  return {
    consul: [
      ...list(doc.consul, `${where}: consul`),
      ...csv(env.GANTRY_DISCOVERY_CONSUL).map((address) => ({ address })),
    ],
    kubernetes: [
      ...list(doc.kubernetes, `${where}: kubernetes`),
      ...csv(env.GANTRY_DISCOVERY_KUBECONFIG).map((kubeconfig) => ({ kubeconfig })),
    ],
    reconciler: {
      emptyGraceMs: optionalMs(reconciler, 'empty_grace_ms', `${where}: reconciler`),
      emptyGraceMinTargets: optionalMs(reconciler, 'empty_grace_min_targets', `${where}: reconciler`),
      minChangeIntervalMs: optionalMs(reconciler, 'min_change_interval_ms', `${where}: reconciler`),
    },
    lease: { ttlMs },
  };
}
