import {
  findByIdOrKey,
  isKongError,
  prepareChange,
  schemaOf,
  type AdminOp,
  type Entity,
  type EntityKind,
  type FieldEntry,
} from '@gantry/config';
import { readBody, typedArgs } from '../http/body';
import { json, kongErrorResponse, methodNotAllowed, noContent, notFound } from '../http/responses';
import { decodeOffset, paginate, parsePageSize } from '../list/pagination';
import type { SortedEntities } from '../list/sorted-entities';
import { matchesTags, parseTagsFilter } from '../list/tags-filter';
import { present, refOf } from '../present';
import type { AdminResponse, AdminServices, Handler, RequestContext } from '../types';
import { runWrite, type AppliedOutcome } from '../write/run-write';

/** The parent of a nested endpoint: `/services/{parent}/routes` is `{ kind: 'services', field: 'service' }`. */
export interface ParentSpec {
  readonly kind: EntityKind;
  readonly field: string;
}

/** Handlers of the generated entity endpoints (collections, entities, nested and foreign-key endpoints). */
export class EntityHandlers {
  constructor(
    private readonly services: AdminServices,
    private readonly lists: SortedEntities,
  ) {}

  private get state() {
    return this.services.replica.state;
  }

  /** The parent entity named in the path, if it exists. */
  private parentOf(ctx: RequestContext, parent: ParentSpec | undefined): Entity | undefined | null {
    if (parent === undefined) return null;
    return findByIdOrKey(this.state, parent.kind, ctx.params.parent);
  }

  /** `GET /{entities}` and `GET /{parents}/{p}/{entities}`: one page, filtered by tags. */
  list(kind: EntityKind, parent?: ParentSpec): Handler {
    return (ctx) => {
      const size = parsePageSize(ctx.query.get('size'));
      if (isKongError(size)) return kongErrorResponse(size);
      const after = decodeOffset(ctx.query.get('offset'));
      if (isKongError(after)) return kongErrorResponse(after);
      const tags = parseTagsFilter(ctx.query.get('tags'));
      if (isKongError(tags)) return kongErrorResponse(tags);
      const owner = this.parentOf(ctx, parent);
      if (owner === undefined) return notFound();
      let items: readonly Entity[] =
        owner === null || parent === undefined
          ? this.lists.all(this.state, kind)
          : this.lists.children(this.state, kind, parent.field, owner.id);
      if (tags !== undefined) items = items.filter((e) => matchesTags(e.tags, tags));
      const page = paginate(items, (e) => e.id, size, after);
      return json(200, {
        data: page.data.map((e) => present(this.state, kind, e)),
        ...(page.offset === undefined ? {} : { offset: page.offset }),
        next: page.offset === undefined ? null : nextLink(ctx, page.offset),
      });
    };
  }

  /** `GET /{entities}/{id}` and `GET /{parents}/{p}/{entities}/{id}`. */
  get(kind: EntityKind, parent?: ParentSpec): Handler {
    return (ctx) => {
      const entity = this.find(ctx, kind, parent);
      return entity === undefined ? notFound() : json(200, present(this.state, kind, entity));
    };
  }

  private find(ctx: RequestContext, kind: EntityKind, parent: ParentSpec | undefined): Entity | undefined {
    const owner = this.parentOf(ctx, parent);
    if (owner === undefined) return undefined;
    const scope = owner === null || parent === undefined ? undefined : { field: parent.field, id: owner.id };
    return findByIdOrKey(this.state, kind, ctx.params.id, scope);
  }

  /** POST (create), PUT (upsert), PATCH (update) or DELETE, directly or under a parent. */
  write(kind: EntityKind, op: AdminOp, parent?: ParentSpec): Handler {
    const status = op === 'create' ? 201 : op === 'delete' ? 204 : 200;
    return (ctx) => {
      // Kong answers 404 for a nested DELETE whose parent or child is missing; a plain DELETE is always 204.
      if (op === 'delete' && parent !== undefined && this.find(ctx, kind, parent) === undefined) return notFound();
      return this.perform(ctx, {
        kind,
        op,
        status,
        idOrKey: op === 'create' ? undefined : ctx.params.id,
        parent: parent === undefined ? undefined : { ...parent, idOrKey: ctx.params.parent },
      });
    };
  }

  /** `/{entities}/{id}/{field}`: the entity a foreign key points at (`/routes/{r}/service`). */
  foreign(kind: EntityKind, field: string, reference: EntityKind, method: 'GET' | 'PUT' | 'PATCH' | 'DELETE'): Handler {
    return (ctx) => {
      const owner = findByIdOrKey(this.state, kind, ctx.params.id);
      const targetId = owner === undefined ? undefined : refOf(owner[field]);
      const target = targetId === undefined ? undefined : this.state.entities[reference].get(targetId);
      if (target === undefined) return notFound();
      if (method === 'GET') return json(200, present(this.state, reference, target));
      if (method === 'DELETE') return methodNotAllowed();
      return this.perform(ctx, {
        kind: reference,
        op: method === 'PUT' ? 'upsert' : 'update',
        status: 200,
        idOrKey: target.id,
      });
    };
  }

  private async perform(
    ctx: RequestContext,
    spec: {
      kind: EntityKind;
      op: AdminOp;
      status: number;
      idOrKey?: string;
      parent?: ParentSpec & { idOrKey: string };
    },
  ): Promise<AdminResponse> {
    const { kind, op, status, idOrKey, parent } = spec;
    return runWrite(this.services, ctx, {
      prepare: async () => {
        let body: unknown;
        if (op !== 'delete') {
          const read = await readBody(ctx.request);
          if (!read.ok) return read.response;
          body = typedArgs(read, this.fieldsFor(kind, read.args, idOrKey));
        }
        const prepared = prepareChange(
          this.state,
          { op, kind, idOrKey, body, parent },
          { now: this.services.now, plugins: this.services.plugins },
        );
        if (!prepared.ok) return kongErrorResponse(prepared.error);
        if (prepared.op === 'noop') return noContent();
        return { changes: prepared.changes };
      },
      success: (outcome) => (status === 204 ? noContent() : json(status, this.rendered(outcome))),
    });
  }

  /** The entity the fold stored for the event's first change (the one the request was about). */
  private rendered(outcome: AppliedOutcome): unknown {
    const primary = outcome.event.changes[0];
    const applied = outcome.applied.find((c) => c.kind === primary.kind && c.key === primary.key && !c.cascade);
    const entity = applied?.after ?? primary.after;
    return entity === null ? {} : present(this.state, primary.kind, entity);
  }

  /** Schema fields that type form values: a plugin's own schema when its name is known. */
  private fieldsFor(kind: EntityKind, args: unknown, idOrKey: string | undefined): readonly FieldEntry[] {
    if (kind !== 'plugins') return schemaOf(kind).fields;
    let name = (args as { name?: unknown } | null)?.name;
    if (typeof name !== 'string' && idOrKey !== undefined) name = findByIdOrKey(this.state, kind, idOrKey)?.name;
    return typeof name === 'string' ? this.services.plugins.entitySchema(name).fields : schemaOf(kind).fields;
  }
}

/** Kong's `next` link: the same path with the cursor, keeping `size` and `tags`. */
export function nextLink(ctx: RequestContext, offset: string): string {
  const query = new URLSearchParams({ offset });
  const size = ctx.query.get('size');
  const tags = ctx.query.get('tags');
  if (size !== null) query.set('size', size);
  if (tags !== null) query.set('tags', tags);
  return `${ctx.rawPath}?${query.toString()}`;
}
