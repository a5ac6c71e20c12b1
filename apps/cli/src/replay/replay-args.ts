import { parseArgs } from 'node:util';
import { cqlIdentifier } from '@gantry/cassandra';
import { parseUntil, type ReplayUntil } from '@gantry/audit';
import {
  CLUSTER_DEFAULTS,
  loadSettings,
  parseList,
  parseReplication,
  type AuditSettings,
  type Settings,
} from '@gantry/settings';
import { UsageError } from '../exit-codes';

export const REPLAY_USAGE = `usage: npx gantry replay --until <version|time> --into <dir|keyspace:NAME> [options]

Rebuilds the configuration from the log into a fresh embedded data directory or Cassandra keyspace: the
versions Kafka no longer holds from the Cassandra event history, the rest from Kafka.

  --until <version|time>   last version to replay, or an RFC 3339 time (the last event written at or before it)
  --into <dir>             a new or empty directory: GANTRY_DATA_DIR=<dir> npm start serves the result
  --into keyspace:<name>   a new or empty keyspace on the --cassandra cluster (history, entities, snapshots)
  --verify                 compare the result with the live configuration at that version (exit 3 if it differs)
  --from-kafka <brokers>   host:port,... (GANTRY_KAFKA_BROKERS)
  --topic <topic>          the config topic (GANTRY_KAFKA_TOPIC)
  --no-kafka               read everything from the Cassandra history
  --cassandra <points>     host:port,... (GANTRY_CASSANDRA_CONTACT_POINTS)
  --keyspace <keyspace>    the live keyspace holding the history (GANTRY_CASSANDRA_KEYSPACE)
  --local-dc <dc>          the driver's local data centre (GANTRY_CASSANDRA_LOCAL_DC)
  --replication <dc:n,..>  replication of a keyspace --into creates (GANTRY_CASSANDRA_REPLICATION)
  --no-cassandra           read everything from Kafka (which must still hold version 1)
  --no-progress            no progress bar (there is none anyway when stderr is not a terminal)
  -h, --help               this text

Exit codes: 0 done (and verified), 1 failure (a backend unreachable, a write failed), 2 bad flags or
GANTRY_* variables, 3 --verify found a difference, 4 --into is not empty, 5 the log and the history
cannot supply the versions asked for.`;

export type ReplayInto =
  { readonly kind: 'dir'; readonly path: string } | { readonly kind: 'keyspace'; readonly keyspace: string };

export interface ReplayCommand {
  readonly until: ReplayUntil;
  readonly into: ReplayInto;
  readonly verify: boolean;
  readonly kafka: { readonly brokers: readonly string[]; readonly topic: string } | null;
  readonly cassandra: {
    readonly contactPoints: readonly string[];
    readonly localDataCenter: string;
    readonly keyspace: string;
    readonly replication: Readonly<Record<string, number>>;
  } | null;
  readonly progress: boolean;
  /** Keys of the audit hash chain written into a keyspace target (GANTRY_AUDIT_SIGNING_KEY, _VERIFY_KEY). */
  readonly audit: AuditSettings;
}

const OPTIONS = {
  until: { type: 'string' },
  into: { type: 'string' },
  verify: { type: 'boolean' },
  'from-kafka': { type: 'string' },
  topic: { type: 'string' },
  'no-kafka': { type: 'boolean' },
  cassandra: { type: 'string' },
  keyspace: { type: 'string' },
  'local-dc': { type: 'string' },
  replication: { type: 'string' },
  'no-cassandra': { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `--help`, or the command to run. Throws `UsageError` naming the flag or variable at fault. */
export function parseReplayArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ReplayCommand | 'help' {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return 'help';
  let settings: Settings;
  try {
    settings = loadSettings(env, CLUSTER_DEFAULTS);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }

  const until = required(values.until, '--until', 'a version (42) or an RFC 3339 time (2025-01-31T12:00:00Z)');
  const into = parseInto(required(values.into, '--into', 'a directory, or keyspace:<name>'));
  const useKafka = !values['no-kafka'] && (values['from-kafka'] !== undefined || settings.log === 'kafka');
  const useCassandra = !values['no-cassandra'] && (values.cassandra !== undefined || settings.store === 'cassandra');
  if (values['no-kafka'] && (values['from-kafka'] !== undefined || values.topic !== undefined)) {
    throw new UsageError('--no-kafka cannot be combined with --from-kafka or --topic');
  }
  if (values['no-cassandra'] && (values.cassandra !== undefined || values.keyspace !== undefined)) {
    throw new UsageError('--no-cassandra cannot be combined with --cassandra or --keyspace');
  }
  if (!useKafka && !useCassandra) throw new UsageError('nothing to replay from: give Kafka, Cassandra or both');
  if (into.kind === 'keyspace' && !useCassandra) {
    throw new UsageError('--into keyspace:<name> writes to the --cassandra cluster; drop --no-cassandra');
  }

  const cassandraKeyspace = identifier(values.keyspace ?? settings.cassandra.keyspace, '--keyspace');
  if (into.kind === 'keyspace' && into.keyspace === cassandraKeyspace) {
    throw new UsageError(`--into keyspace:${into.keyspace} is the live keyspace (--keyspace); choose a new one`);
  }
  return {
    until: parseOrUsage('--until', () => parseUntil(until)),
    into,
    verify: values.verify === true,
    kafka: useKafka
      ? {
          brokers: addresses('--from-kafka', 'GANTRY_KAFKA_BROKERS', values['from-kafka'], settings.kafka.brokers),
          topic: nonEmpty('--topic', values.topic ?? settings.kafka.topic),
        }
      : null,
    cassandra: useCassandra
      ? {
          contactPoints: addresses(
            '--cassandra',
            'GANTRY_CASSANDRA_CONTACT_POINTS',
            values.cassandra,
            settings.cassandra.contactPoints,
          ),
          localDataCenter: nonEmpty('--local-dc', values['local-dc'] ?? settings.cassandra.localDataCenter),
          keyspace: cassandraKeyspace,
          replication:
            values.replication === undefined
              ? settings.cassandra.replication
              : parseOrUsage('--replication', () => parseReplication(values.replication!)),
        }
      : null,
    progress: values['no-progress'] !== true,
    audit: settings.audit,
  };
}

function required(value: string | undefined, flag: string, what: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`${flag} is required: ${what}`);
  return value.trim();
}

function nonEmpty(flag: string, value: string): string {
  if (value.trim() === '') throw new UsageError(`${flag} must not be empty`);
  return value.trim();
}

function parseInto(text: string): ReplayInto {
  if (text.startsWith('keyspace:'))
    return { kind: 'keyspace', keyspace: identifier(text.slice(9), '--into keyspace:') };
  const path = text.startsWith('dir:') ? text.slice(4) : text;
  if (path === '') throw new UsageError('--into dir: needs a path');
  return { kind: 'dir', path };
}

function identifier(name: string, flag: string): string {
  return parseOrUsage(flag, () => cqlIdentifier(name));
}

const ADDRESS = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d{1,5}$/;

function addresses(flag: string, variable: string, raw: string | undefined, fallback: readonly string[]): string[] {
  const list = raw === undefined ? [...fallback] : parseList(raw);
  const from = raw === undefined ? variable : flag;
  if (list.length === 0) throw new UsageError(`${from} must name at least one host:port`);
  const bad = list.find((address) => !ADDRESS.test(address));
  if (bad !== undefined) throw new UsageError(`${from}: "${bad}" is not host:port`);
  return list;
}

function parseOrUsage<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${flag}: ${message}`);
  }
}
