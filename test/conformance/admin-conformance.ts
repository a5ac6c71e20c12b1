import type { DataPlaneRegistry } from '@gantry/store';
import { AdminClient } from './admin/client';
import { authCases } from './admin/auth.cases';
import { badInputCases } from './admin/bad-input.cases';
import { cascadeCases } from './admin/cascade.cases';
import { certificateCases } from './admin/certificates.cases';
import { configCases } from './admin/config.cases';
import { consumerCases } from './admin/consumers.cases';
import { crudCases } from './admin/crud.cases';
import { dataPlaneCases } from './admin/data-planes.cases';
import { formCases } from './admin/forms.cases';
import { idempotencyCases } from './admin/idempotency.cases';
import { nestedCases } from './admin/nested.cases';
import { nodeInfoCases } from './admin/node-info.cases';
import { paginationCases } from './admin/pagination.cases';
import { pluginCases } from './admin/plugins.cases';
import { tagCases } from './admin/tags.cases';
import { upstreamCases } from './admin/upstreams.cases';

/** A running admin for the suite. */
export interface AdminServer {
  readonly baseUrl: string;
  /** The registry the admin reads replica reports from, so the suite can report as replicas would. */
  readonly dataPlanes: DataPlaneRegistry;
  close(): Promise<void>;
}

/** How the suite asks a runner for an admin: with `adminTokens` it must be set as `GANTRY_ADMIN_TOKENS`. */
export interface AdminStartOptions {
  readonly adminTokens?: string;
}

export type StartAdmin = (options?: AdminStartOptions) => Promise<AdminServer>;

/** Knobs of the suite. */
export interface ConformanceOptions {
  /** The admin's body limit (`GANTRY_ADMIN_MAX_BODY_BYTES`); default 10 MiB. */
  readonly maxBodyBytes?: number;
}

/** Gives each group its client; set once the shared admin is up. */
export type ClientRef = () => AdminClient;

/** Gives a group the shared admin's data-plane registry. */
export type RegistryRef = () => DataPlaneRegistry;

/**
 * Kong Admin API conformance: every endpoint's status codes, error bodies, defaults, pagination, tags,
 * nested routes, upserts, cascades, `/config`, bad input, idempotency keys and auth. Runners start the
 * admin however they like (in memory, embedded log, Kafka and Cassandra); the suite only speaks HTTP. Each
 * group starts by replacing the configuration with an empty one (`POST /config`).
 */
export function describeAdminConformance(label: string, start: StartAdmin, options: ConformanceOptions = {}): void {
  describe(`Admin API conformance (${label})`, () => {
    let server: AdminServer | undefined;
    let client: AdminClient | undefined;
    const ref: ClientRef = () => {
      if (client === undefined) throw new Error('admin not started');
      return client;
    };
    const registry: RegistryRef = () => {
      if (server === undefined) throw new Error('admin not started');
      return server.dataPlanes;
    };

    beforeAll(async () => {
      server = await start();
      client = new AdminClient(server.baseUrl);
    });

    afterAll(async () => {
      await server?.close();
    });

    nodeInfoCases(ref);
    crudCases(ref);
    badInputCases(ref, options.maxBodyBytes ?? 10 * 1024 * 1024);
    formCases(ref);
    nestedCases(ref);
    pluginCases(ref);
    upstreamCases(ref);
    dataPlaneCases(ref, registry);
    consumerCases(ref);
    certificateCases(ref);
    cascadeCases(ref);
    paginationCases(ref);
    tagCases(ref);
    configCases(ref);
    idempotencyCases(ref);
    authCases(start);
  });
}
