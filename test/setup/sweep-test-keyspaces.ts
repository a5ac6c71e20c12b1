/**
 * Drops the keyspaces that earlier test runs left in a long-lived, infra-managed Cassandra. Each test names its
 * keyspace with `uniqueName` (`<prefix>_<epoch ms in base 36><counter><random>`), and a dev node that has
 * accumulated hundreds of them runs out of its 1 GiB heap. Only names of that shape older than `maxAgeMs` go, so
 * a run in another checkout that is still going keeps its keyspaces.
 */
import { Client } from 'cassandra-driver';

/** `Date.now().toString(36)` is 8 characters from 1973 to 2059. */
const TEST_NAME = /^[a-z][a-z0-9_]*_([0-9a-z]{8})[0-9a-z]*[0-9a-f]{6}$/;

/** The creation time encoded in a test keyspace's name, or null when the name is not a test name. */
export function testNameTime(name: string): number | null {
  const match = TEST_NAME.exec(name);
  if (!match) return null;
  const time = parseInt(match[1], 36);
  // A plausible epoch-ms: after 2020 and not in the future (a user keyspace that happens to match is left alone).
  return time > 1_577_836_800_000 && time <= Date.now() ? time : null;
}

export async function sweepTestKeyspaces(
  contactPoints: readonly string[],
  localDataCenter: string,
  maxAgeMs: number,
  log: (message: string) => void,
): Promise<void> {
  // A schema change on a node holding hundreds of keyspaces can take many seconds.
  const client = new Client({
    contactPoints: [...contactPoints],
    localDataCenter,
    socketOptions: { readTimeout: 120_000 },
  });
  try {
    const rows = (await client.execute('SELECT keyspace_name FROM system_schema.keyspaces')).rows;
    const stale = rows
      .map((row) => row.keyspace_name as string)
      .filter((name) => {
        const time = testNameTime(name);
        return time !== null && Date.now() - time > maxAgeMs;
      });
    for (const name of stale) await client.execute(`DROP KEYSPACE IF EXISTS "${name}"`);
    if (stale.length > 0) log(`cassandra: dropped ${stale.length} keyspaces left by earlier test runs`);
  } finally {
    await client.shutdown();
  }
}
