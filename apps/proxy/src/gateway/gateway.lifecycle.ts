import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createSecureContext } from 'node:tls';
import { childLogger } from '@gantry/logging';
import { CONFIG_PLANE, ConfigPlane, SETTINGS } from '@gantry/runtime';
import { CassandraCounterStore, bundledCatalog, type GatewayFacts } from '@gantry/plugins';
import { GANTRY_VERSION, type Settings } from '@gantry/settings';
import { DataPlane } from '../data-plane/data-plane';
import { KongErrors, TrustedProxies } from '../forwarding';
import { ProxyMetrics } from '../status/proxy-metrics';
import { CertificateStore } from '../tls/certificate-store';
import { loadDefaultCertificate } from '../tls/default-certificate';
import { GatewayServer } from './gateway-server';
import { RequestPipeline } from './request-pipeline';

/**
 * Nest owns the gateway's lifecycle, never its requests: it builds the data plane over the process's config
 * plane, and opens the gateway ports once the configuration is loaded (a replica never serves an empty config
 * it has not caught up from).
 */
@Injectable()
export class GatewayLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = childLogger('gateway');
  readonly dataPlane: DataPlane;
  readonly pipeline: RequestPipeline;
  readonly errors: KongErrors;
  private server: GatewayServer | undefined;
  private opening: Promise<void> | undefined;
  private closed = false;
  private openError: string | null = null;
  /** rate-limiting's `cluster` counters, when the replica runs on Cassandra. */
  private readonly counters: CassandraCounterStore | null;
  private counterSchemaRetry: NodeJS.Timeout | undefined;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(CONFIG_PLANE) private readonly plane: ConfigPlane,
    @Inject(ProxyMetrics) metrics: ProxyMetrics,
  ) {
    const serverToken = `gantry/${GANTRY_VERSION}`;
    this.errors = new KongErrors(serverToken);
    const trustedProxies = new TrustedProxies(settings.proxy.trustedIps);
    this.counters = plane.cassandra ? new CassandraCounterStore(plane.cassandra, settings.cassandra.keyspace) : null;
    const gatewayFacts: GatewayFacts = {
      configHash: () => metrics.boundSource?.config().hash ?? '',
      targetHealth: () => metrics.boundSource?.targetHealth() ?? [],
    };
    // Until the default certificate is loaded, handshakes are refused: the TLS port is not open before then.
    this.dataPlane = new DataPlane(plane.replica, {
      forwarder: { serverToken, errors: this.errors, trustedProxies },
      certificates: new CertificateStore(createSecureContext()),
      logger: this.logger,
      plugins: {
        catalog: bundledCatalog(),
        environment: {
          logger: childLogger('plugins'),
          nodeId: settings.nodeId,
          metrics: metrics.registry,
          clusterCounters: this.counters,
          gateway: gatewayFacts,
          dataDir: settings.dataDir,
        },
      },
    });
    this.pipeline = new RequestPipeline(
      this.dataPlane,
      this.errors,
      trustedProxies,
      metrics,
      this.logger,
      serverToken,
      {
        configVersionHeader: settings.proxy.configVersionHeader,
      },
    );
  }

  /** The gateway is listening with a loaded config. */
  get listening(): boolean {
    return this.server !== undefined;
  }

  /** Why the gateway is not open yet, if it tried and failed. */
  get lastError(): string | null {
    return this.openError;
  }

  get gateway(): GatewayServer | undefined {
    return this.server;
  }

  onApplicationBootstrap(): void {
    // In the background: the status port must answer (503, with the reason) while the config plane boots.
    this.opening = this.open().catch((error: unknown) => {
      this.openError = error instanceof Error ? error.message : String(error);
      this.logger.error({ err: error }, 'the gateway could not open');
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.counterSchemaRetry);
    await this.server?.close();
    this.dataPlane.close();
  }

  /** Resolves once the gateway listens (tests and the standalone's start-up log). */
  async opened(): Promise<void> {
    await this.opening;
  }

  /**
   * Creates the cluster counters' table in the background: Cassandra being down must not keep the gateway
   * closed (rate-limiting's `fault_tolerant` covers the meantime), so it retries until it succeeds.
   */
  private ensureCounterSchema(): void {
    const counters = this.counters;
    if (counters === null || this.closed) return;
    counters.ensureSchema().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'rate-limiting counters table not ready; retrying in 10 s');
      this.counterSchemaRetry = setTimeout(() => this.ensureCounterSchema(), 10_000).unref();
    });
  }

  private async open(): Promise<void> {
    const tlsListen = this.settings.proxy.tlsListen;
    const pems = tlsListen ? await loadDefaultCertificate(this.settings) : undefined;
    if (pems) this.dataPlane.certificates.setDefault(createSecureContext(pems));
    await this.plane.start();
    if (this.closed) return;
    this.ensureCounterSchema();
    this.dataPlane.start();
    const server = new GatewayServer(
      this.settings.proxyListen,
      { request: this.pipeline.handle, upgrade: this.pipeline.handleUpgrade },
      tlsListen && pems
        ? { listen: tlsListen, cert: pems.cert, key: pems.key, sniCallback: this.dataPlane.certificates.sniCallback }
        : undefined,
    );
    await server.start();
    if (this.closed) {
      await server.close();
      return;
    }
    this.server = server;
    const tls = server.tlsAddress();
    this.logger.info(
      { address: server.address(), tls: tls ?? 'off', version: this.plane.replica.version() },
      'gateway listening',
    );
  }
}
