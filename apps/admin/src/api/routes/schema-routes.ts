import {
  buildContext,
  isEntityKind,
  isJsonObject,
  kindFromAdminPath,
  materializeEntity,
  MESSAGES,
  renderEntitySchema,
  renderPluginSchema,
  schemaOf,
  schemaViolation,
  type EntityKind,
  type FieldEntry,
} from '@gantry/config';
import { readBody, typedArgs } from '../http/body';
import { json, message } from '../http/responses';
import type { Route } from '../router';
import type { AdminResponse, AdminServices, RequestContext } from '../types';

function kindNamed(name: string): EntityKind | undefined {
  return isEntityKind(name) ? name : kindFromAdminPath(name);
}

/** Kong's validate endpoints: defaults and schema checks, without touching the state. */
async function validate(s: AdminServices, ctx: RequestContext, kind: EntityKind): Promise<AdminResponse> {
  const read = await readBody(ctx.request);
  if (!read.ok) return read.response;
  const name = (read.args as { name?: unknown } | null)?.name;
  const fields: readonly FieldEntry[] =
    kind === 'plugins' && typeof name === 'string' ? s.plugins.entitySchema(name).fields : schemaOf(kind).fields;
  const body = typedArgs(read, fields);
  if (!isJsonObject(body)) return json(400, schemaViolation({ '@entity': [MESSAGES.RECORD] }));
  const result = materializeEntity(kind, body, undefined, buildContext({ now: s.now, plugins: s.plugins }));
  return result.ok ? json(200, { message: 'schema validation successful' }) : json(400, schemaViolation(result.errors));
}

/** `/schemas/{entity}`, `/schemas/{entity}/validate`, `/schemas/plugins/{name}`, `/schemas/plugins/validate`. */
export function schemaRoutes(s: AdminServices): Route[] {
  const routes: Route[] = [
    {
      pattern: '/schemas/:name',
      methods: {
        GET: (ctx) => {
          const kind = kindNamed(ctx.params.name);
          return kind === undefined
            ? message(404, `No entity named '${ctx.params.name}'`)
            : json(200, renderEntitySchema(kind));
        },
      },
    },
    {
      pattern: '/schemas/:name/validate',
      methods: {
        POST: (ctx) => {
          const kind = kindNamed(ctx.params.name);
          return kind === undefined ? message(404, `No entity named '${ctx.params.name}'`) : validate(s, ctx, kind);
        },
      },
    },
    {
      pattern: '/schemas/plugins/:name',
      methods: {
        GET: (ctx) => {
          const schema = renderPluginSchema(ctx.params.name, s.plugins);
          return schema === undefined ? message(404, `No plugin named '${ctx.params.name}'`) : json(200, schema);
        },
      },
    },
    { pattern: '/schemas/plugins/validate', methods: { POST: (ctx) => validate(s, ctx, 'plugins') } },
  ];
  return routes.map((route) => ({ ...route, needsConfig: false }));
}
