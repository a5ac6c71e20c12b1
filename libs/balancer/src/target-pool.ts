import { Address } from './address';
import type { DnsAnswer, DnsResolver } from './dns/dns-resolver';
import type { TargetSettings } from './settings/target-settings';
import type { DnsStatus } from './types';

/** The entry that currently stands for one target string, with its resolved addresses. */
export interface ActiveTarget {
  settings: TargetSettings;
  addresses: Address[];
  dns: DnsStatus;
  unwatch: (() => void) | undefined;
  disposed: boolean;
}

function newest(group: ReadonlyMap<string, TargetSettings>): TargetSettings | undefined {
  let best: TargetSettings | undefined;
  for (const t of group.values()) {
    if (best === undefined || t.createdAt > best.createdAt || (t.createdAt === best.createdAt && t.id > best.id)) {
      best = t;
    }
  }
  return best;
}

function compareAddresses(a: Address, b: Address): number {
  if (a.target !== b.target) return a.target < b.target ? -1 : 1;
  return a.address < b.address ? -1 : a.address > b.address ? 1 : 0;
}

/**
 * The targets of one upstream. Entries are grouped by target string and, as in Kong's target history, the newest
 * entry of a string is the one in force; weight 0 disables it. Hostnames are watched through the resolver and
 * expand to one address per IP, each with the target's full weight (as Kong does for A records). Addresses whose
 * IP survives a DNS refresh keep their object, and so their health and counters.
 */
export class TargetPool {
  private readonly entities = new Map<string, TargetSettings>();
  private readonly groups = new Map<string, Map<string, TargetSettings>>();
  readonly active = new Map<string, ActiveTarget>();

  constructor(
    private readonly resolver: DnsResolver,
    /** Addresses or weights changed. */
    private readonly changed: () => void,
    /** An address left the pool. */
    private readonly detached: (address: Address) => void,
  ) {}

  entity(id: string): TargetSettings | undefined {
    return this.entities.get(id);
  }

  upsert(target: TargetSettings): void {
    const previous = this.entities.get(target.id);
    this.entities.set(target.id, target);
    if (previous !== undefined && previous.target !== target.target) {
      this.groups.get(previous.target)?.delete(target.id);
      this.refresh(previous.target);
    }
    let group = this.groups.get(target.target);
    if (group === undefined) this.groups.set(target.target, (group = new Map<string, TargetSettings>()));
    group.set(target.id, target);
    this.refresh(target.target);
  }

  remove(id: string): void {
    const previous = this.entities.get(id);
    if (previous === undefined) return;
    this.entities.delete(id);
    this.groups.get(previous.target)?.delete(id);
    this.refresh(previous.target);
  }

  /** Every address of every active target, in a stable order (target string, then IP). */
  addresses(): Address[] {
    const out: Address[] = [];
    for (const t of this.active.values()) out.push(...t.addresses);
    return out.sort(compareAddresses);
  }

  close(): void {
    for (const t of this.active.values()) this.dispose(t);
    this.active.clear();
  }

  private refresh(targetString: string): void {
    const group = this.groups.get(targetString);
    if (group !== undefined && group.size === 0) this.groups.delete(targetString);
    const winner = group === undefined ? undefined : newest(group);
    const current = this.active.get(targetString);
    if (winner === undefined || winner.weight === 0) {
      if (current === undefined) return;
      this.dispose(current);
      this.active.delete(targetString);
      this.changed();
      return;
    }
    if (current !== undefined && current.settings.id === winner.id) {
      const reweighed = current.settings.weight !== winner.weight;
      current.settings = winner;
      if (reweighed) {
        for (const a of current.addresses) a.weight = winner.weight;
        this.changed();
      }
      return;
    }
    if (current !== undefined) this.dispose(current);
    const next: ActiveTarget = {
      settings: winner,
      addresses: [],
      dns: winner.isIp ? 'ip' : 'pending',
      unwatch: undefined,
      disposed: false,
    };
    this.active.set(targetString, next);
    if (winner.isIp) {
      next.addresses = [this.address(winner, winner.host)];
      this.changed();
      return;
    }
    let answered = false;
    next.unwatch = this.resolver.watch(winner.host, (answer) => {
      answered = true;
      this.resolved(next, answer);
    });
    if (!answered) this.changed();
  }

  private resolved(target: ActiveTarget, answer: DnsAnswer): void {
    if (target.disposed) return;
    if (!answer.ok) {
      target.dns = 'error';
      for (const a of target.addresses) this.detach(a);
      target.addresses = [];
      this.changed();
      return;
    }
    target.dns = answer.stale ? 'stale' : 'ok';
    const keep = new Map(target.addresses.map((a) => [a.address, a]));
    const next: Address[] = [];
    for (const ip of answer.addresses) {
      const existing = keep.get(ip);
      keep.delete(ip);
      next.push(existing ?? this.address(target.settings, ip));
    }
    for (const gone of keep.values()) this.detach(gone);
    target.addresses = next;
    this.changed();
  }

  private address(t: TargetSettings, ip: string): Address {
    return new Address(t.id, t.target, t.host, ip, t.port, t.weight);
  }

  private dispose(target: ActiveTarget): void {
    target.disposed = true;
    target.unwatch?.();
    for (const a of target.addresses) this.detach(a);
    target.addresses = [];
  }

  private detach(address: Address): void {
    address.detached = true;
    address.selectable = false;
    this.detached(address);
  }
}
