import type { AuditQuery, TimeTravel } from '@gantry/audit';
import type { ConfigReplica, ConfigWriter } from '@gantry/replica';
import type { Settings } from '@gantry/settings';
import type { DataPlaneRegistry } from '@gantry/store';
import type { AuditChainVerifier, TargetHealthProvider } from './api/types';

/** What the Admin API reads from and writes through. The replica must be started (booted) already. */
export interface AdminBackend {
  readonly replica: ConfigReplica;
  readonly writer: ConfigWriter;
  readonly targetHealth?: TargetHealthProvider;
  /** Replica reports; a plane-backed admin gets the plane's through `DATA_PLANE_REGISTRY` instead. */
  readonly dataPlanes?: DataPlaneRegistry;
  /** The audit hash chain (`GET /audit/verify`). */
  readonly auditChain?: AuditChainVerifier;
  /** The audit log (`GET /audit/events`). */
  readonly audit?: AuditQuery;
  /** Past configurations (`GET /config?at=`, `/config/diff`, `/config/rollback`). */
  readonly timeTravel?: TimeTravel;
  /** Why the configuration cannot be served yet (answered as 503), or undefined/null when it can. */
  notReady?(): string | null | undefined;
  /** See `AdminApiOptions.catchUp`. */
  catchUp?(): Promise<void>;
  /** Called once on shutdown. */
  close?(): Promise<void>;
}

/** Builds (and starts) the backend for this process's settings. */
export type AdminBackendFactory = (settings: Settings) => AdminBackend | Promise<AdminBackend>;

/** Nest token of the {@link AdminBackend}. */
export const ADMIN_BACKEND = Symbol('ADMIN_BACKEND');

/** Nest token of the `AdminApi`. */
export const ADMIN_API = Symbol('ADMIN_API');
