import { cqlIdentifier, type CassandraConnection } from '@gantry/cassandra';

/**
 * Adds the columns a table created by an older build lacks. `ALTER TABLE ADD` fails when the column exists, so
 * the schema is read first, and a failure is ignored when another process added the column meanwhile.
 */
export async function ensureColumns(
  connection: CassandraConnection,
  keyspace: string,
  table: string,
  columns: Readonly<Record<string, string>>,
): Promise<void> {
  const present = async (): Promise<Set<string>> => {
    const result = await connection.execute(
      'SELECT column_name FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?',
      [keyspace, table],
    );
    return new Set(result.rows.map((row) => row.get('column_name') as string));
  };
  const existing = await present();
  for (const [name, type] of Object.entries(columns)) {
    if (existing.has(name)) continue;
    try {
      await connection.client.execute(
        `ALTER TABLE ${cqlIdentifier(keyspace)}.${cqlIdentifier(table)} ADD ${cqlIdentifier(name)} ${type}`,
      );
    } catch (error) {
      if (!(await present()).has(name)) throw error;
    }
  }
}
