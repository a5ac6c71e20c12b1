import type { Writable } from 'node:stream';
import {
  CassandraReplayTarget,
  ChainKeys,
  EventChain,
  EmbeddedReplayTarget,
  ReplaySource,
  describeUntil,
  replay,
  verifyReplay,
  type ReplayTarget,
} from '@gantry/audit';
import type { Logger } from '@gantry/logging';
import { EXIT, UsageError, type ExitCode } from '../exit-codes';
import { formatDuration, ProgressBar } from '../progress-bar';
import type { ReplayCommand } from './replay-args';
import { ReplayBackends } from './replay-backends';

export interface CommandIo {
  readonly stdout: Writable;
  readonly stderr: NodeJS.WriteStream;
  readonly logger: Logger;
}

/** Runs `gantry replay`; resolves with the exit code, having said why on stderr when it is not 0. */
export async function runReplay(command: ReplayCommand, io: CommandIo): Promise<ExitCode> {
  const say = (line: string): void => void io.stdout.write(`${line}\n`);
  const bar = new ProgressBar(io.stderr);
  let backends: ReplayBackends | undefined;
  try {
    backends = await ReplayBackends.open(command, io.logger);
    const source = new ReplaySource({ log: backends.log, history: backends.history });
    const target = targetOf(command, backends, io.logger);
    const result = await replay({
      source,
      until: command.until,
      target,
      onProgress: command.progress ? (progress) => bar.update(progress) : undefined,
    });
    bar.done();
    const seconds = Math.max(result.elapsedMs, 1) / 1000;
    say(
      `replayed versions 1..${result.version} (until ${describeUntil(command.until)}) into ${target.description}: ` +
        `${result.fromHistory} from the event history, ${result.fromLog} from the log, in ${formatDuration(result.elapsedMs)} ` +
        `(${Math.round(result.version / seconds)} versions/s, of which ${formatDuration(result.finishMs)} to make them ` +
        `durable and save the final snapshot); state hash ${result.hash}`,
    );
    if (command.verify) {
      const report = await verifyReplay({ source, snapshots: backends.snapshots, target, result });
      const base =
        report.liveSnapshotVersion === null ? 'folded from version 1' : `from snapshot ${report.liveSnapshotVersion}`;
      say(`verified: ${target.description} matches the live configuration at version ${report.version} (${base})`);
    }
    return EXIT.ok;
  } catch (error) {
    bar.done();
    io.stderr.write(`gantry replay: ${error instanceof Error ? error.message : String(error)}\n`);
    return exitCodeOf(error);
  } finally {
    await backends?.close();
  }
}

function targetOf(command: ReplayCommand, backends: ReplayBackends, logger: Logger): ReplayTarget {
  if (command.into.kind === 'dir') return new EmbeddedReplayTarget({ dataDir: command.into.path, logger });
  return new CassandraReplayTarget({
    connection: backends.cassandra!,
    keyspace: command.into.keyspace,
    replication: command.cassandra!.replication,
    // The replayed history is chained (and signed, with GANTRY_AUDIT_SIGNING_KEY) as the live persister does.
    chain: new EventChain(ChainKeys.load(command.audit)),
    logger,
  });
}

export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof UsageError) return EXIT.usage;
  switch ((error as { code?: unknown } | null)?.code) {
    case 'GANTRY_AUDIT_KEY_INVALID':
      return EXIT.usage;
    case 'GANTRY_REPLAY_VERIFY_MISMATCH':
      return EXIT.mismatch;
    case 'GANTRY_REPLAY_TARGET_NOT_EMPTY':
      return EXIT.targetNotEmpty;
    case 'GANTRY_REPLAY_SOURCE_INCOMPLETE':
    case 'GANTRY_REPLAY_INVALID':
    case 'GANTRY_REPLICA_HISTORY_GAP':
      return EXIT.sourceIncomplete;
    default:
      return EXIT.failed;
  }
}
