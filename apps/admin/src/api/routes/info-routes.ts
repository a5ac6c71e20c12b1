import { deterministicUuid, stateHash } from '@gantry/config';
import { json } from '../http/responses';
import type { Route, Router } from '../router';
import type { AdminServices } from '../types';
import { BUNDLED_PLUGIN_PRIORITIES } from './bundled-plugins';

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

/** Plugin names this node accepts: the registry's, plus Kong's bundled ones unless the registry is strict. */
export function availablePlugins(s: AdminServices): string[] {
  const names = new Set(s.plugins.names());
  if (!s.plugins.strict) for (const name of Object.keys(BUNDLED_PLUGIN_PRIORITIES)) names.add(name);
  return [...names].sort();
}

/** The folded config's version and hash, from the replica's status when it has one. */
export function configIdentity(s: AdminServices): { version: number; hash: string } {
  const status = s.replica.status();
  return { version: s.replica.version(), hash: status.hash === '' ? stateHash(s.replica.state) : status.hash };
}

/** `GET /`, `GET /status`, `GET /endpoints` and `GET /plugins/enabled`. */
export function infoRoutes(s: AdminServices, router: Router): Route[] {
  const nodeUuid = deterministicUuid(`node:${s.nodeInfo.nodeId}`);
  return [
    {
      pattern: '/',
      needsConfig: false,
      methods: {
        GET: () => {
          const enabled = new Set<string>();
          for (const plugin of s.replica.state.entities.plugins.values()) {
            if (typeof plugin.name === 'string') enabled.add(plugin.name);
          }
          const available = Object.fromEntries(
            availablePlugins(s).map((name) => [
              name,
              { version: s.nodeInfo.kongVersion, priority: BUNDLED_PLUGIN_PRIORITIES[name] ?? 0 },
            ]),
          );
          const identity = configIdentity(s);
          return json(200, {
            tagline: 'Welcome to kong',
            version: s.nodeInfo.kongVersion,
            edition: 'community',
            hostname: s.nodeInfo.hostname,
            node_id: nodeUuid,
            timers: { running: 0, pending: 0 },
            plugins: { available_on_server: available, enabled_in_cluster: [...enabled].sort() },
            pids: { master: process.pid, workers: [process.pid] },
            configuration: {
              // Anything but "off": decK and Kong Manager treat "off" as DB-less mode and stop using CRUD.
              database: 'gantry',
              role: 'traditional',
              router_flavor: 'traditional',
              plugins: ['bundled'],
              loaded_plugins: Object.fromEntries(availablePlugins(s).map((n) => [n, true])),
            },
            gantry: {
              version: s.nodeInfo.gantryVersion,
              node_id: s.nodeInfo.nodeId,
              region: s.nodeInfo.region,
              config_version: identity.version,
              config_hash: identity.hash,
            },
          });
        },
      },
    },
    {
      pattern: '/status',
      needsConfig: false,
      methods: {
        GET: () => {
          const status = s.replica.status();
          const memory = process.memoryUsage();
          const identity = configIdentity(s);
          return json(200, {
            database: { reachable: status.lastError === null },
            memory: {
              workers_lua_vms: [{ pid: process.pid, http_allocated_gc: mib(memory.heapUsed) }],
              lua_shared_dicts: {},
              node: { rss: memory.rss, heap_used: memory.heapUsed, heap_total: memory.heapTotal },
            },
            server: {
              total_requests: s.counters.total,
              connections_active: s.counters.active,
              connections_accepted: s.counters.total,
              connections_handled: s.counters.total,
              connections_reading: 0,
              connections_writing: s.counters.active,
              connections_waiting: 0,
            },
            configuration_hash: identity.hash,
            gantry: {
              config_version: identity.version,
              config_hash: identity.hash,
              head_version: status.headVersion,
              lag: status.lag,
              caught_up: status.caughtUp,
              booted_from_snapshot: status.bootedFromSnapshot,
              last_applied_at: status.lastAppliedAt,
              last_error: status.lastError,
              uptime_seconds: Math.round((s.now() - s.startedAt) / 1000),
            },
          });
        },
      },
    },
    {
      pattern: '/endpoints',
      needsConfig: false,
      methods: { GET: () => json(200, { data: router.listPatterns(['/health']) }) },
    },
    {
      pattern: '/plugins/enabled',
      needsConfig: false,
      methods: { GET: () => json(200, { enabled_plugins: availablePlugins(s) }) },
    },
  ];
}
