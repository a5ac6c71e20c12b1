import type { Address } from '../address';
import { hash32 } from '../hash/hash32';
import type { BalancerLogger } from '../types';
import { eligible, type BalancingAlgorithm } from './algorithm';
import { RoundRobin } from './round-robin';

/** Points per address when all weigh the same (Kong's ketama `SERVER_POINTS`). */
const POINTS_PER_ADDRESS = 160;
/** Kong uses at least this many ring slots, whatever `slots` says. */
const MIN_RING_SIZE = 1000;

function compareAddresses(a: Address, b: Address): number {
  if (a.target !== b.target) return a.target < b.target ? -1 : 1;
  if (a.address !== b.address) return a.address < b.address ? -1 : 1;
  return a.port - b.port;
}

/**
 * Kong's consistent hashing (ketama on a ring of `slots`, at least 1000): each address takes points in
 * proportion to its weight (160 per address at equal weights), placed by hashing `ip:port n`; collisions move on
 * to the next n, and addresses are placed in sorted order so every node builds the same ring. A request hashes
 * onto a slot and walks counter-clockwise to the first address that can take it, so removing an address only
 * remaps the requests that were on its points. Without a hash value it balances by weighted round-robin.
 */
export class ConsistentHashing implements BalancingAlgorithm {
  readonly needsClock = false;
  private readonly size: number;
  private readonly fallback = new RoundRobin();
  private addresses: Address[] = [];
  /** Filled slot positions, ascending, and the address index at each. */
  private positions = new Int32Array(0);
  private owners = new Int32Array(0);
  /** For each slot, the index in `positions` of the nearest filled slot at or below it (wrapping). */
  private nearest: Int32Array;

  constructor(
    slots: number,
    private readonly logger?: BalancerLogger,
  ) {
    this.size = Math.max(slots, MIN_RING_SIZE);
    this.nearest = new Int32Array(this.size);
  }

  rebuild(addresses: readonly Address[]): void {
    this.fallback.rebuild(addresses);
    const placed = addresses.filter((a) => a.weight > 0).sort(compareAddresses);
    this.addresses = placed;
    const size = this.size;
    const slotOwner = new Int32Array(size).fill(-1);
    let totalWeight = 0;
    const targets = new Set<string>();
    for (const a of placed) {
      totalWeight += a.weight;
      targets.add(a.target);
    }
    let filled = 0;
    for (let i = 0; i < placed.length && filled < size; i++) {
      const a = placed[i];
      let entries = Math.floor((a.weight / totalWeight) * targets.size * POINTS_PER_ADDRESS);
      if (entries === 0) entries = 1;
      const prefix = `${a.address}:${a.port} `;
      for (let n = 1, put = 0; put < entries && n <= size && filled < size; n++) {
        const slot = hash32(prefix + n) % size;
        if (slotOwner[slot] !== -1) continue;
        slotOwner[slot] = i;
        put++;
        filled++;
      }
    }
    if (filled === size && placed.length > 0) {
      this.logger?.warn({ slots: size, addresses: placed.length }, 'the hash ring is full; raise the upstream slots');
    }
    this.positions = new Int32Array(filled);
    this.owners = new Int32Array(filled);
    let k = 0;
    for (let slot = 0; slot < size; slot++) {
      if (slotOwner[slot] === -1) continue;
      this.positions[k] = slot;
      this.owners[k] = slotOwner[slot];
      k++;
    }
    // Slots below the first filled one wrap around to the last.
    let current = filled - 1;
    let next = 0;
    for (let slot = 0; slot < size; slot++) {
      if (next < filled && this.positions[next] === slot) current = next++;
      this.nearest[slot] = current;
    }
  }

  pick(hash: string | null, exclude: ReadonlySet<string> | undefined): Address | null {
    if (hash === null) return this.fallback.pick(hash, exclude);
    const filled = this.positions.length;
    if (filled === 0) return null;
    let k = this.nearest[hash32(hash) % this.size];
    for (let step = 0; step < filled; step++) {
      const a = this.addresses[this.owners[k]];
      if (eligible(a, exclude)) return a;
      k = k === 0 ? filled - 1 : k - 1;
    }
    return null;
  }
}
