import { findByUnique, type BuildContext, type Change, type ConfigState, type Entity } from '@gantry/config';
import type { WantedTarget, WantedUpstream } from '../desired';
import type { EmptyPayloadGuard } from '../empty-payload-guard';
import { targetKey, type FlapDamper } from '../flap-damper';
import { targetsOf } from '../ownership';
import type { InvalidDesired } from '../report';
import {
  createTarget,
  createUpstream,
  deleteTarget,
  matches,
  updateTarget,
  type Built,
  type UpstreamRef,
} from './admin-changes';

/** What one pass needs to plan an upstream. */
export interface PlanContext {
  readonly state: ConfigState;
  readonly tag: string;
  readonly now: number;
  readonly build: Partial<BuildContext>;
  readonly guard: EmptyPayloadGuard;
  readonly damper: FlapDamper;
}

/** The changes one upstream needs now, and what waits. */
export interface UpstreamPlan {
  readonly upstream: string;
  /** In order: the upstream's creation first, then its targets by address. */
  readonly changes: Change[];
  /** The empty-payload grace period holds this upstream's removals. */
  held: boolean;
  /** Target changes waiting for their damping interval. */
  deferred: number;
  /** When this upstream needs another look (grace or damping ending). */
  wakeAt: number | undefined;
  readonly shadowed: string[];
  readonly invalid: InvalidDesired[];
  /** Targets are wanted on an upstream that does not exist and may not be created. */
  missing: boolean;
}

function emptyPlan(upstream: string): UpstreamPlan {
  return {
    upstream,
    changes: [],
    held: false,
    deferred: 0,
    wakeAt: undefined,
    shadowed: [],
    invalid: [],
    missing: false,
  };
}

function wakeAt(plan: UpstreamPlan, at: number): void {
  plan.wakeAt = plan.wakeAt === undefined ? at : Math.min(plan.wakeAt, at);
}

const byAddress = <V>(entries: Iterable<[string, V]>): [string, V][] =>
  [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * Diffs what the source wants on one upstream against the targets it owns there, and builds the changes the
 * Admin API would for the same edits. The rules:
 * - only targets carrying the owner tag are compared, updated or deleted; an address held by any other target
 *   (made by hand, or another source's) is left alone and reported as shadowed;
 * - a wanted address the source owns with another weight or other tags is updated; one it does not own is
 *   created; an owned address no longer wanted is deleted;
 * - no wanted target while owning some: the removal waits for the empty-payload grace period;
 * - a target changed less than the damping interval ago waits for the interval to end;
 * - a missing upstream is created with the source's defaults, or reported missing when it has none.
 */
export function planUpstream(ctx: PlanContext, name: string, wanted: WantedUpstream | undefined): UpstreamPlan {
  const { state, tag, now, build } = ctx;
  const plan = emptyPlan(name);
  const desired: ReadonlyMap<string, WantedTarget> = wanted?.targets ?? new Map();
  const existing = findByUnique(state, 'upstreams', 'name', name);
  const { owned, others } = targetsOf(state, existing?.id, tag);

  const grace = ctx.guard.check(name, desired.size, owned.size, now);
  if (grace.hold) {
    plan.held = true;
    wakeAt(plan, grace.until);
    return plan;
  }
  if (desired.size === 0 && owned.size === 0) return plan;

  let upstream: UpstreamRef;
  if (existing !== undefined) {
    upstream = { id: existing.id, pending: false };
  } else if (wanted?.create === undefined) {
    plan.missing = true;
    return plan;
  } else {
    const made = createUpstream(state, name, wanted.create, tag, build);
    if (!made.ok || made.upstream === undefined) {
      plan.invalid.push({ upstream: name, message: made.ok ? 'upstream not built' : made.message });
      return plan;
    }
    plan.changes.push(...made.changes);
    upstream = { id: made.upstream.id, pending: true };
  }

  const apply = (address: string, built: Built): void => {
    if (built.ok) plan.changes.push(...built.changes);
    else plan.invalid.push({ upstream: name, target: address, message: built.message });
  };
  const damped = (address: string): boolean => {
    const until = ctx.damper.heldUntil(targetKey(name, address), now);
    if (until === undefined) return false;
    plan.deferred++;
    wakeAt(plan, until);
    return true;
  };

  for (const [address, want] of byAddress(desired)) {
    if (others.has(address)) {
      plan.shadowed.push(address);
      continue;
    }
    const mine: Entity | undefined = owned.get(address);
    if (mine !== undefined && matches(mine, want, tag)) continue;
    if (damped(address)) continue;
    apply(
      address,
      mine === undefined
        ? createTarget(state, upstream, address, want, tag, build)
        : updateTarget(state, upstream, mine, want, tag, build),
    );
  }
  for (const [address, mine] of byAddress(owned)) {
    if (desired.has(address) || damped(address)) continue;
    apply(address, deleteTarget(state, upstream, mine, build));
  }
  return plan;
}
