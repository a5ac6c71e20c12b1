import type { LogRecord } from '@gantry/event-log';
import { GENESIS_HASH, chainHash } from './chain-hash';
import { ChainKeys } from './chain-keys';

/** One link of the chain: a record's hash over its predecessor's, and optionally a signature of it. */
export interface ChainLink {
  readonly version: number;
  readonly prevHash: string;
  readonly hash: string;
  /** Base64 Ed25519 signature of `hash`, or null when no signing key is configured. */
  readonly signature: string | null;
}

/**
 * Computes links. It holds no position: whoever reads the log in order (the persister, the embedded chain
 * writer) passes the previous hash, because only the log's total order decides which record came before.
 */
export class EventChain {
  readonly genesisHash = GENESIS_HASH;

  constructor(readonly keys: ChainKeys = ChainKeys.none()) {}

  link(record: Pick<LogRecord, 'version' | 'value'>, prevHash: string): ChainLink {
    const hash = chainHash(record, prevHash);
    return { version: record.version, prevHash, hash, signature: this.keys.sign(hash) };
  }
}
