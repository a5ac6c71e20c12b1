import { encodeEvent, type ConfigEvent } from '@gantry/config';
import { ReplicaFold } from '@gantry/replica';
import { auditEntry } from '@gantry/store';
import { MemoryAuditBackend } from '../embedded/memory-audit-backend';

/** A backend holding these events folded as versions 1, 2, …, as the embedded index would. For tests. */
export function auditHistory(events: readonly ConfigEvent[]): MemoryAuditBackend {
  const fold = new ReplicaFold();
  const backend = new MemoryAuditBackend();
  events.forEach((event, i) => {
    const record = { version: i + 1, key: null, value: Buffer.from(encodeEvent(event)), timestamp: event.timestamp };
    backend.index.add(auditEntry(record, fold.apply(record)));
  });
  return backend;
}
