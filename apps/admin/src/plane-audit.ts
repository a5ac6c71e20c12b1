import { AuditLog, CassandraAuditBackend, EmbeddedAuditBackend } from '@gantry/audit';
import { childLogger } from '@gantry/logging';
import type { ConfigPlane } from '@gantry/runtime';
import type { Settings } from '@gantry/settings';

/** The audit log of a plane, and how to stop it. */
export interface PlaneAudit {
  readonly log: AuditLog;
  close(): Promise<void>;
}

/**
 * Cluster mode reads the query tables the persister writes to Cassandra. Without Cassandra the log is the
 * history: an in-memory index follows it from version 1, started once the plane folds its first record (or by
 * the first audit request), so it is usually built before anyone asks.
 */
export function planeAudit(plane: ConfigPlane, settings: Settings): PlaneAudit {
  if (settings.store === 'cassandra' && plane.cassandra !== undefined) {
    const backend = new CassandraAuditBackend({ connection: plane.cassandra, keyspace: settings.cassandra.keyspace });
    return { log: new AuditLog(backend), close: () => Promise.resolve() };
  }
  const backend = new EmbeddedAuditBackend({ log: plane.log, history: plane.history, logger: childLogger('audit') });
  const stop = plane.replica.onApplied(() => {
    stop();
    backend.start();
  });
  return {
    log: new AuditLog(backend),
    close: async () => {
      stop();
      await backend.close();
    },
  };
}
