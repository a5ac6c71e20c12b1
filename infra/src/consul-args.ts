export interface ConsulAgentOptions {
  readonly host: string;
  readonly httpPort: number;
  /** Server RPC (Raft) port; dev mode's default is 8300. */
  readonly serverPort: number;
  /** Serf LAN gossip port (TCP and UDP); dev mode's default is 8301. */
  readonly serfLanPort: number;
  readonly nodeName: string;
  readonly dataDir: string;
  readonly logFile: string;
}

/**
 * `consul agent -dev` on loopback only, with everything the tests do not use switched off (DNS, gRPC, gRPC TLS,
 * Serf WAN), so the agent holds no port besides HTTP, server RPC and Serf LAN, and without the update check that
 * calls HashiCorp. Dev mode keeps Raft in memory even with a data dir: every start is an empty catalog. The data
 * dir (per instance) holds only the node id, and its path on the command line tells our agent from anyone else's.
 */
export function consulAgentArgs(options: ConsulAgentOptions): string[] {
  return [
    'agent',
    '-dev',
    '-bind',
    options.host,
    '-client',
    options.host,
    '-http-port',
    String(options.httpPort),
    '-server-port',
    String(options.serverPort),
    '-serf-lan-port',
    String(options.serfLanPort),
    '-serf-wan-port',
    '-1',
    '-dns-port',
    '-1',
    '-grpc-port',
    '-1',
    '-grpc-tls-port',
    '-1',
    '-node',
    options.nodeName,
    '-log-level',
    'warn',
    '-log-file',
    options.logFile,
    '-log-rotate-bytes',
    String(10 * 1024 * 1024),
    '-log-rotate-max-files',
    '2',
    '-disable-host-node-id',
    '-hcl',
    'disable_update_check = true',
    // One blocking query per watched service is one connection each: the default (200 per client address) would
    // refuse a discovery process watching 1,000 services (the discovery benchmark's initial sync).
    '-hcl',
    'limits { http_max_conns_per_client = 4096 }',
    '-data-dir',
    options.dataDir,
  ];
}
