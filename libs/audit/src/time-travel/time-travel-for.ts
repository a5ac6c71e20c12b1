import type { ConfigLog } from '@gantry/event-log';
import type { Logger } from '@gantry/logging';
import type { IdempotencyLimits } from '@gantry/replica';
import type { EventHistory, SnapshotStore } from '@gantry/store';
import { HistoryRecordSource } from './history-record-source';
import { LogRecordSource } from './log-record-source';
import { TimeTravel } from './time-travel';

/** What a config plane holds that time travel reads. */
export interface TimeTravelBackends {
  readonly log: ConfigLog;
  readonly snapshots: Pick<SnapshotStore, 'atOrBefore'>;
  /** The Cassandra event history (cluster mode); absent in embedded mode, where the log is the history. */
  readonly history?: EventHistory;
}

/** Time travel over a config plane's backends: the history when there is one, the embedded log otherwise. */
export function timeTravelFor(
  backends: TimeTravelBackends,
  options: { readonly idempotency?: IdempotencyLimits; readonly logger?: Logger } = {},
): TimeTravel {
  const records =
    backends.history === undefined
      ? new LogRecordSource(backends.log)
      : new HistoryRecordSource({ history: backends.history, log: backends.log });
  return new TimeTravel({ snapshots: backends.snapshots, records, ...options });
}
