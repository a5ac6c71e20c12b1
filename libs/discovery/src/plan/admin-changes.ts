import {
  asText,
  buildContext,
  createChange,
  materializeEntity,
  prepareChange,
  schemaViolation,
  type BuildContext,
  type Change,
  type ConfigState,
  type Entity,
  type JsonObject,
  type PrepareRequest,
} from '@gantry/config';
import type { UpstreamDefaults, WantedTarget } from '../desired';

/** Changes built the way the Admin API builds them, or why they were refused. */
export type Built =
  { readonly ok: true; readonly changes: Change[] } | { readonly ok: false; readonly message: string };

/** An upstream the changes attach targets to; `pending` when it is created in the same changeset. */
export interface UpstreamRef {
  readonly id: string;
  readonly pending: boolean;
}

function prepared(state: ConfigState, request: PrepareRequest, ctx: Partial<BuildContext>): Built {
  const result = prepareChange(state, request, ctx);
  return result.ok ? { ok: true, changes: result.changes } : { ok: false, message: result.error.message };
}

function parentOf(upstream: UpstreamRef): PrepareRequest['parent'] {
  return { kind: 'upstreams', field: 'upstream', idOrKey: upstream.id };
}

function withTag(tags: unknown, tag: string): string[] {
  const given = Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
  return [...new Set([...given, tag])].sort();
}

/** `POST /upstreams` with the source's defaults; the owner tag marks who made it (upstreams are never deleted). */
export function createUpstream(
  state: ConfigState,
  name: string,
  defaults: UpstreamDefaults,
  tag: string,
  ctx: Partial<BuildContext>,
): Built & { readonly upstream?: Entity } {
  const body: JsonObject = { ...defaults, name, tags: withTag(defaults.tags, tag) };
  const result = prepareChange(state, { op: 'create', kind: 'upstreams', body }, ctx);
  if (!result.ok) return { ok: false, message: result.error.message };
  return { ok: true, changes: result.changes, upstream: result.after ?? undefined };
}

/** The tags an owned target carries: the source's own plus the owner tag. */
export function ownedTags(wanted: WantedTarget, tag: string): string[] {
  return withTag(wanted.tags, tag);
}

/**
 * `POST /upstreams/{u}/targets`. On an upstream created in the same changeset the parent cannot be looked up in
 * the fold yet, so the target is materialised directly (the function the Admin API path ends in); the dry run of
 * the whole changeset then checks its references.
 */
export function createTarget(
  state: ConfigState,
  upstream: UpstreamRef,
  address: string,
  wanted: WantedTarget,
  tag: string,
  ctx: Partial<BuildContext>,
): Built {
  const body: JsonObject = { target: address, weight: wanted.weight, tags: ownedTags(wanted, tag) };
  if (!upstream.pending) {
    return prepared(state, { op: 'create', kind: 'targets', body, parent: parentOf(upstream) }, ctx);
  }
  const built = materializeEntity('targets', { ...body, upstream: { id: upstream.id } }, undefined, buildContext(ctx));
  if (!built.ok) return { ok: false, message: schemaViolation(built.errors).message };
  return { ok: true, changes: [createChange('targets', built.entity)] };
}

/** `PATCH /upstreams/{u}/targets/{id}` with the weight and tags. */
export function updateTarget(
  state: ConfigState,
  upstream: UpstreamRef,
  existing: Entity,
  wanted: WantedTarget,
  tag: string,
  ctx: Partial<BuildContext>,
): Built {
  const body: JsonObject = { weight: wanted.weight, tags: ownedTags(wanted, tag) };
  return prepared(
    state,
    { op: 'update', kind: 'targets', idOrKey: existing.id, body, parent: parentOf(upstream) },
    ctx,
  );
}

/** `DELETE /upstreams/{u}/targets/{id}`. */
export function deleteTarget(
  state: ConfigState,
  upstream: UpstreamRef,
  existing: Entity,
  ctx: Partial<BuildContext>,
): Built {
  return prepared(state, { op: 'delete', kind: 'targets', idOrKey: existing.id, parent: parentOf(upstream) }, ctx);
}

/** True when the fold's target already has this weight and these tags. */
export function matches(existing: Entity, wanted: WantedTarget, tag: string): boolean {
  if (existing.weight !== wanted.weight) return false;
  const have = Array.isArray(existing.tags) ? existing.tags.map((t) => asText(t)).sort() : [];
  const want = ownedTags(wanted, tag);
  return have.length === want.length && have.every((t, i) => t === want[i]);
}
