import {
  isEntityKind,
  restoreState,
  SNAPSHOT_SCHEMA_VERSION,
  stateHash,
  type Entity,
  type EntityKind,
} from '@gantry/config';
import { cqlIdentifier, type CassandraConnection } from '@gantry/cassandra';

/** The `stateHash` of the current-entities table: what the persister claims the configuration is. */
export async function storedStateHash(connection: CassandraConnection, keyspace: string): Promise<string> {
  const entities: Partial<Record<EntityKind, Entity[]>> = {};
  for await (const row of connection.rows(`SELECT kind, body FROM ${cqlIdentifier(keyspace)}.entities`, [], 1_000)) {
    const kind = row.get('kind') as string;
    if (!isEntityKind(kind)) throw new Error(`unknown kind ${kind} in the entities table`);
    (entities[kind] ??= []).push(JSON.parse(row.get('body') as string) as Entity);
  }
  return stateHash(restoreState({ schema_version: SNAPSHOT_SCHEMA_VERSION, version: 0, entities }));
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition') {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
