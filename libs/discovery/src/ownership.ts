import { asText, childrenOf, isJsonObject, type ConfigState, type Entity } from '@gantry/config';

/** True when the entity carries the owner tag: ownership is the tag, nothing else. */
export function isOwnedBy(entity: Entity, tag: string): boolean {
  return Array.isArray(entity.tags) && entity.tags.includes(tag);
}

/** One upstream's targets as one source sees them. */
export interface UpstreamTargets {
  /** The source's own targets, by address. */
  readonly owned: ReadonlyMap<string, Entity>;
  /** Everyone else's (hand-made, other sources), by address: never touched, and their addresses are taken. */
  readonly others: ReadonlyMap<string, Entity>;
}

const NONE: UpstreamTargets = { owned: new Map(), others: new Map() };

/** The targets of the upstream `upstreamId` (undefined: the upstream does not exist), split by owner. */
export function targetsOf(state: ConfigState, upstreamId: string | undefined, tag: string): UpstreamTargets {
  if (upstreamId === undefined) return NONE;
  const owned = new Map<string, Entity>();
  const others = new Map<string, Entity>();
  for (const id of childrenOf(state, 'targets', 'upstream', upstreamId)) {
    const target = state.entities.targets.get(id);
    if (target === undefined) continue;
    (isOwnedBy(target, tag) ? owned : others).set(asText(target.target), target);
  }
  return { owned, others };
}

/** Names of the upstreams holding at least one target the source owns (a full scan: resyncs only). */
export function upstreamsWithOwnedTargets(state: ConfigState, tag: string): Set<string> {
  const names = new Set<string>();
  for (const target of state.entities.targets.values()) {
    if (!isOwnedBy(target, tag)) continue;
    const ref = target.upstream;
    const upstreamId = isJsonObject(ref) && typeof ref.id === 'string' ? ref.id : undefined;
    const upstream = upstreamId === undefined ? undefined : state.entities.upstreams.get(upstreamId);
    if (upstream !== undefined) names.add(asText(upstream.name));
  }
  return names;
}
