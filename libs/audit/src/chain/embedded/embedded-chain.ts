import { join } from 'node:path';
import type { ConfigLog, LogRecord, LogSubscription } from '@gantry/event-log';
import { childLogger, type Logger } from '@gantry/logging';
import type { ChainSource, ChainVisitor, StoredLink } from '../chain-source';
import { ChainFileCorruptError, ChainGapError, errorMessage } from '../errors';
import type { ChainLink, EventChain } from '../event-chain';
import { ChainFile } from './chain-file';
import { scanLog } from './scan-log';

export interface EmbeddedChainOptions {
  /** The process's log, started; the chain follows it from where the chain file ends. */
  readonly log: ConfigLog;
  /** The chain file is `<dataDir>/log/config.chain`, next to the embedded log. */
  readonly dataDir: string;
  readonly chain: EventChain;
  /** Links written (and fsync'd) together at most, default 4096; the log waits while this many are pending. */
  readonly batch?: number;
  readonly logger?: Logger;
}

/** Links read ahead of the log while scanning. */
const SCAN_LINKS = 4096;

/**
 * The chain of a process without Cassandra (standalone mode): follows the log in order, links each record to the
 * one before and appends the links to a chain file next to the log, so a log record rewritten afterwards no
 * longer matches its stored hash. It is also the {@link ChainSource} verification reads: records from the log,
 * links from the file.
 */
export class EmbeddedChain implements ChainSource {
  readonly path: string;
  private readonly logger: Logger;
  private readonly batch: number;
  private file: ChainFile | undefined;
  private subscription: LogSubscription | undefined;
  private tipHash = '';
  private tipVersion = 0;
  private pending: ChainLink[] = [];
  private flushing: Promise<void> | undefined;
  private flushScheduled = false;
  private failure: string | null = null;
  private closed = false;

  constructor(private readonly options: EmbeddedChainOptions) {
    this.path = join(options.dataDir, 'log', 'config.chain');
    this.logger = options.logger ?? childLogger('audit-chain');
    this.batch = options.batch ?? 4096;
  }

  /** Why the chain stopped growing, or null while it follows the log. */
  get lastError(): string | null {
    return this.failure;
  }

  /**
   * Opens the chain file and follows the log from the version after its last link. A chain file that is ahead of
   * the log (the log was cut or replaced) is left as it is and nothing more is linked: verification names the gap.
   */
  async start(): Promise<void> {
    if (this.file) return;
    const file = await ChainFile.open(this.path, this.logger);
    this.file = file;
    this.tipVersion = file.count;
    this.tipHash = this.options.chain.genesisHash;
    if (file.count > 0) {
      const [last] = await file.read(file.count, file.count);
      if (!last?.hash) throw new ChainFileCorruptError(`the last link of ${this.path} is damaged`);
      this.tipHash = last.hash;
    }
    const head = await this.options.log.headVersion();
    if (file.count > head) {
      this.failure = `the chain file holds ${file.count} links but the log only ${head} records`;
      this.logger.error({ path: this.path }, `${this.failure}: the log was cut or replaced; not linking`);
      return;
    }
    this.subscription = await this.options.log.subscribe(file.count + 1, (record) => this.link(record));
    this.subscription.stopped.catch((error: unknown) => {
      if (this.closed) return;
      this.failure = errorMessage(error);
      this.logger.error({ err: this.failure }, 'the audit chain stopped following the log');
    });
  }

  /** Stops following the log and writes the links still pending. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.subscription?.close();
    await this.flush().catch(() => undefined);
    await this.file?.close();
  }

  /** Links written durably: everything up to this version can be verified. */
  head(): Promise<number> {
    return Promise.resolve(this.file?.count ?? 0);
  }

  async scan(from: number, to: number, visit: ChainVisitor): Promise<void> {
    const file = this.file;
    if (!file) throw new ChainFileCorruptError('the audit chain has not been started');
    let links: (StoredLink | null)[] = [];
    let linksFrom = from;
    await scanLog(this.options.log, from, to, async (record) => {
      if (record.version >= linksFrom + links.length) {
        linksFrom = record.version;
        links = await file.read(linksFrom, linksFrom + SCAN_LINKS - 1);
      }
      return visit({ version: record.version, record, link: links[record.version - linksFrom] ?? null });
    });
  }

  private async link(record: LogRecord): Promise<void> {
    if (record.version !== this.tipVersion + 1) {
      throw new ChainGapError(`the audit chain expected version ${this.tipVersion + 1}, got ${record.version}`);
    }
    const link = this.options.chain.link(record, this.tipHash);
    this.pending.push(link);
    this.tipVersion = link.version;
    this.tipHash = link.hash;
    // Backpressure: the log waits while a full batch is being written.
    if (this.pending.length >= this.batch) await this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.flush().catch(() => undefined);
      });
    }
  }

  /** Writes what is pending, one write at a time; a failed write stops the chain, like the log's own fsync rule. */
  private flush(): Promise<void> {
    this.flushing ??= this.writePending().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async writePending(): Promise<void> {
    while (this.pending.length > 0 && this.file) {
      const links = this.pending;
      this.pending = [];
      try {
        await this.file.append(links);
      } catch (error) {
        // Retrying an fsync can report success for data the kernel dropped: stop rather than leave holes.
        this.failure = `writing the chain file failed: ${errorMessage(error)}`;
        this.logger.error({ err: this.failure }, 'the audit chain stopped');
        await this.subscription?.close();
        throw error;
      }
    }
  }
}
