import { isJsonObject, normalizeTarget, type JsonObject } from '@gantry/config';
import { InvalidDesiredError } from './errors';

/** One registry instance the source wants as a target. */
export interface DesiredTarget {
  /** `host:port`; a bare host gets port 8000, as the Admin API does. */
  readonly target: string;
  /** 0..65535; 0 keeps the target but sends it nothing (draining). */
  readonly weight: number;
  /** Extra tags; the owner tag is always added. */
  readonly tags?: readonly string[];
}

/** Admin API `POST /upstreams` body without `name`: the fields an auto-created upstream gets. */
export type UpstreamDefaults = JsonObject;

/** What a source wants on one upstream. */
export interface DesiredUpstream {
  /** Upstream name (its endpoint key). */
  readonly name: string;
  /** The complete list for this upstream; empty means the registry reports no instance. */
  readonly targets: readonly DesiredTarget[];
  /**
   * Create the upstream with these fields when it does not exist. Absent: the upstream must be made by hand,
   * and until it is, its targets are reported as waiting (`missingUpstreams`).
   */
  readonly create?: UpstreamDefaults;
}

/** A full snapshot (`resync`) or a delta (`update`) from one source. */
export interface DesiredTargets {
  readonly upstreams: readonly DesiredUpstream[];
  /** Why, for the audit log: `consul index 41 -> 42`, `k8s relist after 410 Gone`. */
  readonly reason: string;
}

/** A desired target after normalisation: the address as the fold stores it, tags sorted with no duplicates. */
export interface WantedTarget {
  readonly weight: number;
  readonly tags: readonly string[];
}

/** A desired upstream keyed by normalised address. */
export interface WantedUpstream {
  readonly name: string;
  readonly targets: ReadonlyMap<string, WantedTarget>;
  readonly create?: UpstreamDefaults;
}

/** Array.isArray without narrowing: the declared element type stays (the elements are checked one by one). */
function isList(value: unknown): boolean {
  return Array.isArray(value);
}

function fail(message: string): never {
  throw new InvalidDesiredError(message);
}

function checkTarget(upstream: string, t: DesiredTarget, i: number): void {
  const where = `upstream ${JSON.stringify(upstream)} targets[${i}]`;
  if (typeof t !== 'object' || t === null) fail(`${where} must be an object`);
  if (typeof t.target !== 'string' || t.target === '') fail(`${where}.target must be a non-empty string`);
  if (typeof t.weight !== 'number' || !Number.isFinite(t.weight)) fail(`${where}.weight must be a finite number`);
  if (t.tags !== undefined && (!Array.isArray(t.tags) || t.tags.some((tag) => typeof tag !== 'string'))) {
    fail(`${where}.tags must be an array of strings`);
  }
}

/**
 * Checks the shape of one upstream and folds duplicate addresses (two registry instances on one `host:port` are
 * one backend): the highest weight wins and tags are merged. Values the schema rules on (address syntax, weight
 * range, tag characters) are left to the same validation the Admin API runs, and reported per target.
 */
export function normalizeUpstream(upstream: DesiredUpstream): WantedUpstream {
  if (typeof upstream !== 'object' || upstream === null) fail('each desired upstream must be an object');
  const { name } = upstream;
  if (typeof name !== 'string' || name === '') fail('a desired upstream needs a non-empty name');
  const given: readonly DesiredTarget[] = upstream.targets;
  if (!isList(given)) fail(`upstream ${JSON.stringify(name)}: targets must be an array`);
  if (upstream.create !== undefined && !isJsonObject(upstream.create)) {
    fail(`upstream ${JSON.stringify(name)}: create must be an object of upstream fields`);
  }
  const targets = new Map<string, WantedTarget>();
  given.forEach((t, i) => {
    checkTarget(name, t, i);
    const address = normalizeTarget(t.target);
    const seen = targets.get(address);
    const tags = [...new Set([...(seen?.tags ?? []), ...(t.tags ?? [])])].sort();
    targets.set(address, { weight: Math.max(seen?.weight ?? t.weight, t.weight), tags });
  });
  return upstream.create === undefined ? { name, targets } : { name, targets, create: upstream.create };
}

/** Checks a snapshot or delta and normalises its upstreams; throws {@link InvalidDesiredError} on a bad shape. */
export function normalizeDesired(desired: DesiredTargets): WantedUpstream[] {
  if (typeof desired !== 'object' || desired === null) fail('desired targets must be an object');
  if (typeof desired.reason !== 'string' || desired.reason.trim() === '') {
    fail('desired targets need a non-empty reason (it goes to the audit log)');
  }
  const upstreams: readonly DesiredUpstream[] = desired.upstreams;
  if (!isList(upstreams)) fail('desired targets: upstreams must be an array');
  const names = new Set<string>();
  return upstreams.map((u) => {
    const wanted = normalizeUpstream(u);
    if (names.has(wanted.name)) fail(`upstream ${JSON.stringify(wanted.name)} appears twice`);
    names.add(wanted.name);
    return wanted;
  });
}
