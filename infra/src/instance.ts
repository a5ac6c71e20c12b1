import * as path from 'node:path';
import type { LaunchCommand } from './process';
import type { Probe } from './readiness';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export type InstanceKind = 'kafka' | 'cassandra' | 'redis' | 'consul' | 'etcd' | 'k8s';

/** Progress messages for a human (the CLI prints them; Jest's setup may). */
export type Log = (msg: string) => void;

/** What `prepare` did besides writing configs, for timing reports. */
export interface Prepared {
  readonly launch: LaunchCommand;
  /** Time spent downloading (jars, packages); 0 when the cache was reused. */
  readonly fetchMs: number;
}

/**
 * One server process we can run: built from a spec (name, ports, directories, data centre), so a
 * second Kafka cluster, Cassandra node or Redis is just another instance with other values.
 */
export interface Instance {
  /** Unique per machine: also the name of its directory under the infra dir. */
  readonly name: string;
  readonly kind: InstanceKind;
  /** Per-run directory: configs, data, logs, pid file. */
  readonly dir: string;
  readonly host: string;
  /** The address clients use (host:port). */
  readonly address: string;
  /** Every TCP address the process binds, the client address first. */
  readonly binds: readonly HostPort[];
  /**
   * An argument only our process of this instance has on its command line (a JVM property naming the
   * directory, Redis's config path), so a recycled PID is never taken for ours.
   */
  readonly marker: string;
  readonly readyTimeoutMs: number;
  /** How long `prepare` may take (a build from source); a concurrent `up` waits that long for the instance lock. */
  readonly prepareTimeoutMs?: number;
  /** Instances `up` makes ready first and `down` stops after this one (kube-apiserver's etcd). */
  readonly dependsOn?: readonly Instance[];
  /** Pause between readiness probes (default 500 ms); a server that starts in milliseconds asks for less. */
  readonly probeIntervalMs?: number;
  /** The server's own log, which `logs` prints and failures quote. */
  readonly mainLog: string;
  /** Fetches jars or packages (cached), writes configs, initialises storage; returns the command to run. */
  prepare(log: Log): Promise<Prepared>;
  /** One readiness attempt against `address`. */
  readonly probe: Probe;
}

export const pidFileOf = (instance: Instance): string => path.join(instance.dir, 'pid');
export const stdoutLogOf = (instance: Instance): string => path.join(instance.dir, 'logs', 'stdout.log');
/** A JVM system property that tags the process, so a reused PID is never mistaken for ours. */
export const markerArg = (dir: string): string => `-Dgantry.infra.dir=${dir}`;
