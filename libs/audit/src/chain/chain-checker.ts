import type { LogRecord } from '@gantry/event-log';
import { GENESIS_HASH, chainHash } from './chain-hash';
import type { ChainKeys } from './chain-keys';
import type { StoredChainEntry, StoredEventColumns } from './chain-source';
import { expectedEventColumns } from './event-columns';

/** Why a link is broken, in the order the checks run for one version. */
export type ChainBreakReason =
  'missing_record' | 'missing_link' | 'prev_link_mismatch' | 'hash_mismatch' | 'bad_signature' | 'metadata_mismatch';

/** The first broken link: the version, the check that failed, and what was expected against what is stored. */
export interface ChainBreak {
  readonly version: number;
  readonly reason: ChainBreakReason;
  readonly expected: string | number | null;
  readonly actual: string | number | null;
  /** The stored column that disagrees with the record (`metadata_mismatch` only). */
  readonly field?: string;
}

/**
 * Checks stored entries one by one in version order and stops at the first broken link. A range that starts
 * after version 1 is anchored on the stored hash of the version before it: the links of the range are checked,
 * not the history before it.
 */
export class ChainChecker {
  checked = 0;
  lastHash: string | null = null;
  broken: ChainBreak | null = null;
  private next: number;
  private prevHash: string | undefined;

  constructor(
    private readonly keys: ChainKeys,
    private readonly from: number,
  ) {
    this.next = from;
    this.prevHash = from === 1 ? GENESIS_HASH : undefined;
  }

  /** The version the scan must start at: the anchor before `from`, or 1. */
  get scanFrom(): number {
    return this.from === 1 ? 1 : this.from - 1;
  }

  /** Checks one entry; false once a link is broken (the scan can stop). */
  visit(entry: StoredChainEntry): boolean {
    if (this.broken) return false;
    if (this.prevHash === undefined) return this.anchor(entry);
    if (entry.version < this.next) return true;
    this.broken = this.check(entry);
    if (this.broken) return false;
    this.next++;
    this.checked++;
    return true;
  }

  /** Names a version missing at the end of the range (the store stopped before `to`). */
  finish(to: number): void {
    if (this.broken) return;
    if (this.prevHash === undefined) this.broken = missing(this.from - 1, 'record');
    else if (this.next <= to) this.broken = missing(this.next, 'record');
  }

  private anchor(entry: StoredChainEntry): boolean {
    const version = this.from - 1;
    if (entry.version < version) return true;
    if (entry.version > version) this.broken = missing(version, 'record');
    else if (!entry.link || entry.link.hash === null) this.broken = missing(version, 'link');
    else this.prevHash = entry.link.hash;
    return this.broken === null;
  }

  private check(entry: StoredChainEntry): ChainBreak | null {
    const version = this.next;
    const { record, link } = entry;
    if (entry.version > version || record === null) return missing(version, 'record');
    const prevHash = this.prevHash as string;
    const hash = chainHash(record, prevHash);
    if (!link || link.hash === null) return { version, reason: 'missing_link', expected: hash, actual: null };
    if (link.prevHash !== prevHash) {
      return { version, reason: 'prev_link_mismatch', expected: prevHash, actual: link.prevHash };
    }
    if (link.hash !== hash) return { version, reason: 'hash_mismatch', expected: hash, actual: link.hash };
    if (this.keys.canVerify && (link.signature === null || !this.keys.verify(hash, link.signature))) {
      return { version, reason: 'bad_signature', expected: 'an Ed25519 signature of the hash', actual: link.signature };
    }
    const columnBreak = entry.columns ? checkColumns(version, record, entry.columns) : null;
    if (columnBreak) return columnBreak;
    this.prevHash = hash;
    this.lastHash = hash;
    return null;
  }
}

function checkColumns(version: number, record: LogRecord, columns: StoredEventColumns): ChainBreak | null {
  const expected = expectedEventColumns(record);
  if (expected === undefined) return null;
  for (const [field, value] of Object.entries(expected)) {
    const actual = columns[field] ?? null;
    if (actual !== value) return { version, reason: 'metadata_mismatch', field, expected: value, actual };
  }
  return null;
}

function missing(version: number, what: 'record' | 'link'): ChainBreak {
  return what === 'record'
    ? { version, reason: 'missing_record', expected: `version ${version}`, actual: null }
    : { version, reason: 'missing_link', expected: 'a stored hash', actual: null };
}
