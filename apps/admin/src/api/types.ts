import type { AuditQuery, ChainRange, ChainReport, TimeTravel } from '@gantry/audit';
import type { PluginSchemaRegistry } from '@gantry/config';
import type { ConfigReplica, ConfigWriter } from '@gantry/replica';
import type { DataPlaneRegistry } from '@gantry/store';
import type { Authenticator, Principal } from '../auth/authenticator';

/** A request as the Admin API sees it, independent of the HTTP server that received it. */
export interface AdminRequest {
  readonly method: string;
  /** Path and query string, as sent (`/services?size=2`). */
  readonly url: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The raw body; empty when there was none. */
  readonly body: Buffer;
}

/** What to send back. `body` undefined means no body (204, 304). A string body is sent as is. */
export interface AdminResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Facts about this process that `GET /` and `GET /status` report. */
export interface NodeInfo {
  readonly nodeId: string;
  readonly hostname: string;
  readonly region: string;
  /** Gantry's own version (package.json). */
  readonly gantryVersion: string;
  /** Kong version reported to clients; decK needs a 3.x string. */
  readonly kongVersion: string;
}

/** Knobs of the Admin API. */
export interface AdminApiSettings {
  /** Region stamped on events as `origin_region`. */
  readonly region: string;
  /** Bound on one write (append plus fold). */
  readonly writeTimeoutMs: number;
  /** Largest body accepted; the HTTP adapter enforces it and answers 413. */
  readonly maxBodyBytes: number;
  /** How often proxy replicas report (`GANTRY_PROXY_REPORT_INTERVAL_MS`); a report older than 3 is stale. */
  readonly reportIntervalMs?: number;
}

/** Reports the health of an upstream's targets (the proxy knows; the admin alone does not). */
export type TargetHealthProvider = (upstreamId: string) => Readonly<Record<string, string>> | undefined;

/** Verifies the audit hash chain (`GET /audit/verify`); the config plane's `ChainVerifier`. */
export interface AuditChainVerifier {
  verify(range: ChainRange): Promise<ChainReport>;
}

/** Everything `createAdminApi` needs. */
export interface AdminApiOptions {
  readonly replica: ConfigReplica;
  readonly writer: ConfigWriter;
  readonly settings: AdminApiSettings;
  readonly nodeInfo: NodeInfo;
  /** Plugin schemas; the default registry when omitted. */
  readonly plugins?: PluginSchemaRegistry;
  /** Who may call; everyone (as `anonymous`, role admin) when omitted. */
  readonly auth?: Authenticator;
  /** Clock in epoch ms (tests). */
  readonly now?: () => number;
  /** Generates request ids (tests). */
  readonly requestId?: () => string;
  readonly targetHealth?: TargetHealthProvider;
  /** Replica reports for `/clustering/*` and `/upstreams/{u}/health`; without one no replica is listed. */
  readonly dataPlanes?: DataPlaneRegistry;
  /** Why the configuration cannot be served yet (still loading, backend down), or undefined when it can. */
  readonly notReady?: () => string | null | undefined;
  /**
   * Brings the replica up to the log's head before a request reads or validates against it, so a change
   * acknowledged by another admin process is visible here too. When the log cannot say where its head is, the
   * request is served from the replica as it stands.
   */
  readonly catchUp?: () => Promise<void>;
  /** The audit hash chain; without it `GET /audit/verify` answers 501. */
  readonly auditChain?: AuditChainVerifier;
  /** The audit log behind `/audit/events`; without it those routes answer 501. */
  readonly audit?: AuditQuery;
  /** Past configurations (`GET /config?at=`, `/config/diff`, `/config/rollback`); without it those answer 501. */
  readonly timeTravel?: TimeTravel;
  /** Called with unexpected errors (turned into 500 answers). */
  readonly onError?: (error: unknown, requestId: string, request: AdminRequest) => void;
}

/** Per-request state handed to every route handler. */
export interface RequestContext {
  readonly request: AdminRequest;
  readonly method: string;
  /** Path as sent (still percent-encoded), without the query string and without a trailing slash. */
  readonly rawPath: string;
  readonly query: URLSearchParams;
  /** Path parameters by name, already percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly requestId: string;
  readonly principal: Principal;
}

/** A route handler. Handlers never throw for client mistakes; they answer 4xx. */
export type Handler = (ctx: RequestContext) => AdminResponse | Promise<AdminResponse>;

/** Shared services route handlers use. */
export interface AdminServices {
  readonly replica: ConfigReplica;
  readonly writer: ConfigWriter;
  readonly settings: AdminApiSettings;
  readonly nodeInfo: NodeInfo;
  readonly plugins: PluginSchemaRegistry;
  readonly now: () => number;
  readonly targetHealth?: TargetHealthProvider;
  readonly dataPlanes?: DataPlaneRegistry;
  readonly auditChain?: AuditChainVerifier;
  readonly audit?: AuditQuery;
  readonly timeTravel?: TimeTravel;
  /** When the process started (epoch ms), for `/status`. */
  readonly startedAt: number;
  /** Request counters for `/status`. */
  readonly counters: { total: number; active: number };
}
