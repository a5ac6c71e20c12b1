import { ENTITY_KINDS, isKongError, type ConfigState } from '@gantry/config';
import { json, kongErrorResponse } from '../http/responses';
import { decodeOffset, paginate, parsePageSize } from '../list/pagination';
import type { Route } from '../router';
import type { AdminServices, Handler, RequestContext } from '../types';

/** One row of `/tags`. */
interface TagRow {
  readonly tag: string;
  readonly entity_name: string;
  readonly entity_id: string;
}

function keyOf(row: TagRow): string {
  return `${row.tag}\u0000${row.entity_name}\u0000${row.entity_id}`;
}

/** Every (tag, entity) pair, sorted, rebuilt only when the folded version changes. */
class TagIndex {
  private state: ConfigState | undefined;
  private version = -1;
  private rows: TagRow[] = [];

  all(state: ConfigState): readonly TagRow[] {
    if (this.state === state && this.version === state.version) return this.rows;
    const rows: TagRow[] = [];
    for (const kind of ENTITY_KINDS) {
      for (const entity of state.entities[kind].values()) {
        if (!Array.isArray(entity.tags)) continue;
        for (const tag of entity.tags) {
          if (typeof tag === 'string') rows.push({ tag, entity_name: kind, entity_id: entity.id });
        }
      }
    }
    rows.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
    this.state = state;
    this.version = state.version;
    this.rows = rows;
    return rows;
  }
}

function lister(s: AdminServices, index: TagIndex, tagOf: (ctx: RequestContext) => string | undefined): Handler {
  return (ctx) => {
    const size = parsePageSize(ctx.query.get('size'));
    if (isKongError(size)) return kongErrorResponse(size);
    const after = decodeOffset(ctx.query.get('offset'));
    if (isKongError(after)) return kongErrorResponse(after);
    const tag = tagOf(ctx);
    const all = index.all(s.replica.state);
    const rows = tag === undefined ? all : all.filter((r) => r.tag === tag);
    const page = paginate(rows, keyOf, size, after);
    const next = new URLSearchParams(page.offset === undefined ? {} : { offset: page.offset });
    const sizeParam = ctx.query.get('size');
    if (sizeParam !== null) next.set('size', sizeParam);
    return json(200, {
      data: page.data,
      ...(page.offset === undefined ? {} : { offset: page.offset }),
      next: page.offset === undefined ? null : `${ctx.rawPath}?${next.toString()}`,
    });
  };
}

/** `GET /tags` and `GET /tags/{tag}`: `{tag, entity_name, entity_id}` rows, paginated like collections. */
export function tagRoutes(s: AdminServices): Route[] {
  const index = new TagIndex();
  return [
    { pattern: '/tags', methods: { GET: lister(s, index, () => undefined) } },
    { pattern: '/tags/:tag', methods: { GET: lister(s, index, (ctx) => ctx.params.tag) } },
  ];
}
