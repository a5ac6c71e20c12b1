import { generateKeyPairSync } from 'node:crypto';
import type { LogRecord } from '@gantry/event-log';
import { mixedLog } from '../../../../replica/src/testing/events';
import type { ChainSource, ChainVisitor, StoredChainEntry } from '../chain-source';
import { expectedEventColumns } from '../event-columns';
import type { EventChain } from '../event-chain';

/** A fresh Ed25519 key pair as PEM. */
export function ed25519Pem(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** `count` records of the mixed test log (creates, changesets, rejections, duplicates, an undecodable one). */
export function mixedRecords(count: number): LogRecord[] {
  const values: Buffer[] = [];
  for (let n = 1; values.length < count; n++) values.push(...mixedLog(n));
  return values
    .slice(0, count)
    .map((value, i) => ({ version: i + 1, key: null, value, timestamp: 1_700_000_000_000 + i }));
}

/** A store in memory, as the persister would have filled it: every record, its link and its query columns. */
export class MemoryChainSource implements ChainSource {
  readonly entries: StoredChainEntry[] = [];

  static linked(chain: EventChain, records: readonly LogRecord[]): MemoryChainSource {
    const source = new MemoryChainSource();
    let prev = chain.genesisHash;
    for (const record of records) {
      const link = chain.link(record, prev);
      prev = link.hash;
      source.entries.push({
        version: record.version,
        record,
        link: { prevHash: link.prevHash, hash: link.hash, signature: link.signature },
        columns: expectedEventColumns(record),
      });
    }
    return source;
  }

  /** Replaces the stored entry of `version` with `change(entry)`. */
  alter(version: number, change: (entry: StoredChainEntry) => StoredChainEntry | null): void {
    const index = this.entries.findIndex((e) => e.version === version);
    const next = change(this.entries[index]);
    if (next === null) this.entries.splice(index, 1);
    else this.entries[index] = next;
  }

  head(): Promise<number> {
    return Promise.resolve(this.entries.at(-1)?.version ?? 0);
  }

  scan(from: number, to: number, visit: ChainVisitor): Promise<void> {
    for (const entry of this.entries) {
      if (entry.version < from || entry.version > to) continue;
      if (!visit(entry)) break;
    }
    return Promise.resolve();
  }
}
