/** What a replica says about one target's health on its own balancer (Kong's four values). */
export type TargetHealth = 'HEALTHY' | 'UNHEALTHY' | 'DNS_ERROR' | 'HEALTHCHECKS_OFF';

export const TARGET_HEALTH_VALUES: readonly TargetHealth[] = ['HEALTHY', 'UNHEALTHY', 'DNS_ERROR', 'HEALTHCHECKS_OFF'];

/** One resolved address of a target, as a replica's balancer sees it. */
export interface ReportedAddress {
  readonly ip: string;
  readonly port: number;
  readonly health: string;
}

/** One target of an upstream, as a replica's balancer sees it. */
export interface ReportedTargetHealth {
  /** `host:port`, as configured. */
  readonly target: string;
  readonly health: TargetHealth;
  readonly addresses: readonly ReportedAddress[];
}

/** One upstream, as a replica's balancer sees it. */
export interface ReportedUpstreamHealth {
  /** Whether the replica's balancer for this upstream can serve (Kong's `balancer_health`). */
  readonly healthy: boolean;
  /** By target id. */
  readonly targets: Readonly<Record<string, ReportedTargetHealth>>;
}

export type DataPlaneStatus = 'ready' | 'catching_up' | 'degraded';

export const DATA_PLANE_STATUSES: readonly DataPlaneStatus[] = ['ready', 'catching_up', 'degraded'];

/** The status one proxy replica publishes every few seconds. */
export interface DataPlaneReport {
  /** Stable node id of the replica (`GANTRY_NODE_ID`, plus a worker suffix when it runs several workers). */
  readonly id: string;
  readonly hostname: string;
  /** The proxy's listen address, or the host's first non-internal IPv4. */
  readonly ip: string;
  /** Gantry's version. */
  readonly version: string;
  /** The config log version the replica has applied. */
  readonly config_version: number;
  /** `stateHash` of the applied configuration. */
  readonly config_hash: string;
  /** Log head minus applied version, when last observed. */
  readonly lag: number;
  /** `degraded`: it lost Kafka or Cassandra and serves its last applied version. */
  readonly status: DataPlaneStatus;
  /** Epoch seconds; set by the registry when it stores the report. */
  readonly last_seen: number;
  /** By upstream id. */
  readonly upstream_health: Readonly<Record<string, ReportedUpstreamHealth>>;
}

/** What a replica hands to {@link DataPlaneRegistry.report}: the registry stamps `last_seen`. */
export type DataPlaneReportInput = Omit<DataPlaneReport, 'last_seen'>;

/**
 * Where proxy replicas publish their status and the Admin API reads it. Adapters: `CassandraDataPlaneRegistry`
 * (cluster mode; rows expire when a replica stops reporting) and `InMemoryDataPlaneRegistry` (one process).
 */
export interface DataPlaneRegistry {
  /** Inserts or replaces the replica's report and sets `last_seen` to now. */
  report(report: DataPlaneReportInput): Promise<void>;
  /** Every stored report, sorted by id (code-unit order, as the Admin API pages). */
  list(): Promise<DataPlaneReport[]>;
  /** Forgets a replica (a clean shutdown); unknown ids are fine. */
  remove(id: string): Promise<void>;
}

/** Code-unit order, the order `paginate` in the Admin API relies on. */
export function byReportId(a: { readonly id: string }, b: { readonly id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
