import type { ConfigState, Entity } from '@gantry/config';
import { BalancerRegistry, DnsResolver, type BalancerDeps } from '@gantry/balancer';
import type { Logger } from '@gantry/logging';
import { ConsumerDirectory, PluginRuntime, type PluginCatalog, type PluginEnvironment } from '@gantry/plugins';
import type { ConfigReplica, ReplicaOutcome } from '@gantry/replica';
import { Router } from '@gantry/router';
import type { ForwarderOptions } from '../forwarding';
import { CertificateStore } from '../tls/certificate-store';
import { ServiceTable } from './service-table';

export interface DataPlaneOptions {
  readonly forwarder: ForwarderOptions;
  readonly certificates: CertificateStore;
  readonly logger: Logger;
  /** The bundled plugins and what their instances get from the replica (everything but the consumers). */
  readonly plugins: { catalog: PluginCatalog; environment: Omit<PluginEnvironment, 'consumers'> };
  /** Replaces the system DNS (tests). */
  readonly resolver?: DnsResolver;
}

/**
 * The proxy's view of the config: router, balancers, compiled services and certificates, each updated from
 * the changes of every folded event rather than rebuilt. Listeners run synchronously in log order, so a
 * request handled between two events sees all of an event or none of it.
 */
export class DataPlane {
  readonly router: Router;
  readonly balancers: BalancerRegistry;
  readonly services: ServiceTable;
  readonly certificates: CertificateStore;
  readonly consumers: ConsumerDirectory;
  readonly plugins: PluginRuntime;
  private readonly resolver: DnsResolver;
  private readonly logger: Logger;
  /** The fold state the parts were loaded from; a new one (a snapshot boot) means loading again. */
  private loadedFrom: ConfigState | undefined;
  private currentVersion = 0;
  private unsubscribe: (() => void) | undefined;
  private listeners = new Set<(version: number) => void>();

  constructor(
    private readonly replica: ConfigReplica,
    options: DataPlaneOptions,
  ) {
    this.logger = options.logger;
    this.resolver = options.resolver ?? new DnsResolver();
    const balancerDeps: BalancerDeps = { resolver: this.resolver, logger: this.logger };
    this.router = new Router({
      onRouteError: (error) => this.logger.warn({ err: error.message }, 'route partly unusable'),
    });
    this.balancers = new BalancerRegistry(balancerDeps);
    this.services = new ServiceTable(options.forwarder, balancerDeps, (error, service) =>
      this.logger.error({ err: error, service: service.id }, 'service cannot be forwarded to'),
    );
    this.certificates = options.certificates;
    this.consumers = new ConsumerDirectory();
    this.plugins = new PluginRuntime(options.plugins.catalog, {
      ...options.plugins.environment,
      consumers: this.consumers,
    });
  }

  /**
   * The config version the router, services and plugin chains reflect now: the last event applied to them. A
   * request reads it when it is routed; since events are applied between requests, that is the version whose
   * router and plugins serve it, whatever is applied while it is in flight.
   */
  get version(): number {
    return this.currentVersion;
  }

  /** True once the parts hold a config (possibly the empty one). */
  get loaded(): boolean {
    return this.loadedFrom !== undefined;
  }

  /**
   * Subscribes to the replica and loads what it holds now. Call once the replica has booted; records folded
   * while booting from a snapshot replace the whole state and are picked up by reloading.
   */
  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.replica.onApplied((outcome, state) => this.onApplied(outcome, state));
    this.load(this.replica.state);
  }

  /** Called with the version after each event is applied (metrics, tests). */
  onVersion(listener: (version: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.services.close();
    this.balancers.close();
    void this.plugins.close();
    this.resolver.close();
  }

  private onApplied(outcome: ReplicaOutcome, state: ConfigState): void {
    if (state !== this.loadedFrom) {
      this.load(state);
    } else if (outcome.status === 'applied' && outcome.applied.length > 0) {
      const changes = outcome.applied;
      const started = process.hrtime.bigint();
      // Services and balancers first: a route that arrives with its service finds it compiled.
      this.services.apply(changes, state);
      this.balancers.apply(changes);
      this.certificates.apply(changes);
      this.router.apply(changes);
      // Credentials before plugins: an instance made for this event may look its consumer up.
      this.consumers.apply(changes);
      this.plugins.apply(changes);
      const micros = Number(process.hrtime.bigint() - started) / 1000;
      this.logger.debug({ version: outcome.version, changes: changes.length, micros }, 'config applied');
    }
    this.currentVersion = outcome.version;
    for (const listener of this.listeners) listener(outcome.version);
  }

  private load(state: ConfigState): void {
    const started = Date.now();
    const all = (kind: keyof ConfigState['entities']): Iterable<Entity> => state.entities[kind].values();
    this.services.load(state);
    this.balancers.load(all('upstreams'), all('targets'));
    this.certificates.load(all('certificates'), all('snis'));
    this.router.load(all('routes'), all('services'));
    this.consumers.load({
      consumers: all('consumers'),
      keyauth_credentials: all('keyauth_credentials'),
      basicauth_credentials: all('basicauth_credentials'),
      jwt_secrets: all('jwt_secrets'),
      hmacauth_credentials: all('hmacauth_credentials'),
      acls: all('acls'),
    });
    this.plugins.load(all('plugins'));
    this.loadedFrom = state;
    this.currentVersion = state.version;
    this.logger.info(
      {
        version: state.version,
        routes: this.router.size,
        services: this.services.size,
        plugins: this.plugins.size,
        ms: Date.now() - started,
      },
      'config loaded',
    );
  }
}
