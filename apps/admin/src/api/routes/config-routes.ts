import {
  buildState,
  declarativeConfigError,
  exportDeclarative,
  exportDeclarativeJson,
  isJsonObject,
  parseDeclarative,
  stateHash,
  type Change,
  type JsonObject,
} from '@gantry/config';
import { parse as parseYaml } from 'yaml';
import { decodeForm } from '../http/form';
import { isJsonMedia, mediaType, multipartPairs } from '../http/body';
import { json, message } from '../http/responses';
import type { Route } from '../router';
import type { AdminResponse, AdminServices, RequestContext } from '../types';
import { runWrite } from '../write/run-write';
import { renderDeclarativeSource } from './declarative-export';
import { flattenDeclarativeErrors } from './flatten-errors';
import { configIdentity } from './info-routes';
import { exportConfigAt } from './time-travel-routes';

function parseText(text: string): { ok: true; doc: unknown } | { ok: false; response: AdminResponse } {
  try {
    return { ok: true, doc: parseYaml(text, { maxAliasCount: 1000 }) as unknown };
  } catch (error) {
    const reason = `failed parsing declarative configuration: ${(error as Error).message.split('\n')[0]}`;
    return { ok: false, response: json(400, declarativeConfigError({ error: reason })) };
  }
}

const EXPECTED = message(400, 'expected a declarative configuration');

/**
 * The document of `POST /config`, wherever the client put it: a JSON body (the document itself, or a
 * `config` string), a form or multipart `config` field, or a raw YAML/JSON body.
 */
async function readDocument(
  ctx: RequestContext,
): Promise<{ ok: true; doc: unknown } | { ok: false; response: AdminResponse }> {
  const type = mediaType(ctx.request);
  const text = ctx.request.body.toString('utf8');
  if (isJsonMedia(type)) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { ok: false, response: message(400, 'Cannot parse JSON body') };
    }
    if (isJsonObject(body) && body._format_version === undefined && body.config !== undefined) {
      return typeof body.config === 'string' ? parseText(body.config) : { ok: true, doc: body.config };
    }
    return { ok: true, doc: body };
  }
  if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') {
    const fields =
      type === 'multipart/form-data'
        ? decodeForm((await multipartPairs(ctx.request)) ?? [])
        : decodeForm(new URLSearchParams(text));
    const config = fields.config;
    if (isJsonObject(config)) return { ok: true, doc: config };
    if (typeof config !== 'string' || config.trim() === '') return { ok: false, response: EXPECTED };
    return parseText(config);
  }
  if (text.trim() === '') return { ok: false, response: EXPECTED };
  return parseText(text);
}

/** Kong's `POST /config` success body: entities by kind, then by id. */
function entitiesByKind(changes: readonly Change[]): JsonObject {
  const out: Record<string, JsonObject> = {};
  for (const change of changes) {
    if (change.after === null) continue;
    (out[change.kind] ??= {})[change.key] = change.after;
  }
  return out;
}

/**
 * `GET /config` (export; `?at=` exports a past version, see time-travel-routes) and `POST /config` (replace the
 * whole configuration with one `replace` event).
 */
export function configRoutes(s: AdminServices): Route[] {
  return [
    {
      pattern: '/config',
      methods: {
        GET: (ctx) =>
          ctx.query.has('at')
            ? exportConfigAt(s, ctx)
            : renderDeclarativeSource(ctx, {
                doc: () => exportDeclarative(s.replica.state),
                json: () => exportDeclarativeJson(s.replica.state),
              }),
        POST: (ctx) =>
          runWrite(s, ctx, {
            prepare: async () => {
              const read = await readDocument(ctx);
              if (!read.ok) return read.response;
              const parsed = parseDeclarative(read.doc, { state: s.replica.state, now: s.now, plugins: s.plugins });
              if (!parsed.ok) {
                return json(400, {
                  ...parsed.error,
                  flattened_errors: flattenDeclarativeErrors(parsed.error.fields, read.doc),
                });
              }
              if (ctx.query.get('check_hash') === '1') {
                const built = buildState(parsed.changes);
                if (built.ok && stateHash(built.state) === configIdentity(s).hash) return { status: 304 };
              }
              return { changes: parsed.changes, replace: true };
            },
            success: (outcome) => json(201, entitiesByKind(outcome.event.changes)),
          }),
      },
    },
  ];
}
