/**
 * The audit log of a cluster: the config events its persister stored in Cassandra (`events_by_bucket` of the
 * cluster's keyspace), decoded, for tests that check who changed what and why.
 */
import { CassandraConnection } from '@gantry/cassandra';
import { asText, decodeEvent, type Change, type ConfigEvent } from '@gantry/config';
import { CassandraEventHistory } from '@gantry/store';
import { eventually } from '../../libs/store/src/testing/stored-state';
import { cassandraContactPoints, cassandraLocalDc } from './infra-env';

/** Config events 1..`upTo` as stored, once the persister has caught up with `upTo`. */
export async function storedConfigEvents(keyspace: string, upTo: number, timeoutMs = 30_000): Promise<ConfigEvent[]> {
  const connection = new CassandraConnection({
    contactPoints: cassandraContactPoints(),
    localDataCenter: cassandraLocalDc(),
  });
  try {
    await connection.connect();
    const history = new CassandraEventHistory({ connection, keyspace });
    await eventually(async () => (await history.persistedVersion()) >= upTo, timeoutMs, `persisted version ${upTo}`);
    const events: ConfigEvent[] = [];
    for await (const record of history.read(1, upTo)) events.push(decodeEvent(record.value));
    return events;
  } finally {
    await connection.close();
  }
}

/** One target change of an event, with the event that carried it. */
export interface TargetChange {
  readonly event: ConfigEvent;
  readonly change: Change;
  /** `host:port` of the target (after the change, or before a delete). */
  readonly target: string;
  readonly weight: number | undefined;
  readonly tags: readonly string[];
}

/** Every change of a target of the upstream `upstreamId`, in log order. */
export function targetChanges(events: readonly ConfigEvent[], upstreamId: string): TargetChange[] {
  return events.flatMap((event) =>
    event.changes
      .filter((change) => change.kind === 'targets')
      .flatMap((change) => {
        const entity = change.after ?? change.before;
        const upstream = entity?.upstream as { id?: string } | undefined;
        if (entity === null || upstream?.id !== upstreamId) return [];
        return [
          {
            event,
            change,
            target: asText(entity.target),
            weight: change.after?.weight as number | undefined,
            tags: (entity.tags as string[] | null) ?? [],
          },
        ];
      }),
  );
}
