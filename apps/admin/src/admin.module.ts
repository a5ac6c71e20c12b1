import {
  DynamicModule,
  Inject,
  Injectable,
  MiddlewareConsumer,
  Module,
  NestModule,
  OnApplicationShutdown,
  Provider,
  RequestMethod,
} from '@nestjs/common';
import { hostname } from 'node:os';
import { timeTravelFor } from '@gantry/audit';
import type { PluginSchemaRegistry } from '@gantry/config';
import { childLogger } from '@gantry/logging';
import { CONFIG_PLANE, ConfigPlane, DATA_PLANE_REGISTRY, RuntimeModule, backendHealthModule } from '@gantry/runtime';
import type { Settings } from '@gantry/settings';
import type { DataPlaneRegistry } from '@gantry/store';
import { createAdminApi } from './api/admin-api';
import { ADMIN_API, ADMIN_BACKEND, type AdminBackend, type AdminBackendFactory } from './admin-backend';
import { AdminHttpMiddleware } from './admin-http.middleware';
import { planeAudit } from './plane-audit';
import { Authenticator } from './auth/authenticator';
import { GANTRY_VERSION, KONG_COMPAT_VERSION } from './version';

/** How the admin is wired: where configuration lives, who may call, which plugin schemas apply. */
export interface AdminModuleOptions {
  /** A config plane shared with the other apps of this process (standalone mode). */
  readonly plane?: ConfigPlane;
  /** Replaces the config plane (and its backends) with this replica and writer; tests use an in-memory one. */
  readonly backend?: AdminBackendFactory;
  /** Admin tokens; without one every caller is `anonymous`. */
  readonly auth?: Authenticator;
  readonly plugins?: PluginSchemaRegistry;
}

/** How long a request waits for this replica to reach the log head before it is served from what it has. */
const CATCH_UP_TIMEOUT_MS = 2_000;

/** The config plane's replica and writer; requests get a 503 until the plane has loaded the configuration. */
function planeBackend(plane: ConfigPlane, settings: Settings): AdminBackend {
  const audit = planeAudit(plane, settings);
  return {
    replica: plane.replica,
    writer: plane.writer,
    auditChain: plane.auditChain,
    audit: audit.log,
    timeTravel: timeTravelFor(plane, { logger: childLogger('time-travel') }),
    close: () => audit.close(),
    notReady: () =>
      plane.phase === 'ready' ? undefined : (plane.lastStartError ?? `the config plane is ${plane.phase}`),
    // Read-your-writes across admin processes: fold up to the head the log reports now (one offsets request on
    // Kafka, free on the embedded log) before answering.
    catchUp: async () => plane.replica.waitForVersion(await plane.log.headVersion(), CATCH_UP_TIMEOUT_MS),
  };
}

/** Closes a backend the admin was handed (a plane closes itself through RuntimeModule). */
@Injectable()
class AdminBackendLifecycle implements OnApplicationShutdown {
  constructor(@Inject(ADMIN_BACKEND) private readonly backend: AdminBackend) {}

  async onApplicationShutdown(): Promise<void> {
    await this.backend.close?.();
  }
}

/** The Admin API: validates changes, appends them to the config log, serves reads from its fold. */
@Module({})
export class AdminModule implements NestModule {
  static forRoot(settings: Settings, options: AdminModuleOptions = {}): DynamicModule {
    const log = childLogger('admin');
    const factory = options.backend;
    const backend: Provider =
      factory === undefined
        ? { provide: ADMIN_BACKEND, inject: [CONFIG_PLANE], useFactory: (p: ConfigPlane) => planeBackend(p, settings) }
        : { provide: ADMIN_BACKEND, useFactory: () => factory(settings) };
    // A cluster admin persists the log to Cassandra; with the embedded store it keeps local snapshots.
    const runtime = RuntimeModule.forRoot(settings, {
      plane: options.plane,
      role: { persister: settings.store === 'cassandra', snapshotter: settings.store === 'embedded' },
    });
    return {
      module: AdminModule,
      // With its own backend (tests) the admin needs no log, store or backend connections at all.
      imports: factory === undefined ? [runtime, backendHealthModule()] : [backendHealthModule()],
      providers: [
        backend,
        {
          provide: ADMIN_API,
          // The registry comes from RuntimeModule, absent when a test hands the admin its own backend.
          inject: [ADMIN_BACKEND, { token: DATA_PLANE_REGISTRY, optional: true }],
          useFactory: (b: AdminBackend, registry?: DataPlaneRegistry) =>
            createAdminApi({
              replica: b.replica,
              writer: b.writer,
              targetHealth: b.targetHealth,
              dataPlanes: b.dataPlanes ?? registry,
              auditChain: b.auditChain,
              audit: b.audit,
              timeTravel: b.timeTravel,
              notReady: b.notReady?.bind(b),
              catchUp: b.catchUp?.bind(b),
              plugins: options.plugins,
              auth: options.auth,
              settings: {
                region: settings.region,
                writeTimeoutMs: settings.admin.writeTimeoutMs,
                maxBodyBytes: settings.admin.maxBodyBytes,
                reportIntervalMs: settings.proxy.reportIntervalMs,
              },
              nodeInfo: {
                nodeId: settings.nodeId,
                hostname: hostname(),
                region: settings.region,
                gantryVersion: GANTRY_VERSION,
                kongVersion: KONG_COMPAT_VERSION,
              },
              onError: (err, requestId, request) =>
                log.error({ err, requestId, method: request.method, url: request.url }, 'admin request failed'),
            }),
        },
        AdminHttpMiddleware,
        AdminBackendLifecycle,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // One catch-all for the whole Kong API; only /health stays with Nest (terminus).
    consumer
      .apply(AdminHttpMiddleware)
      .exclude({ path: 'health', method: RequestMethod.ALL })
      .forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
