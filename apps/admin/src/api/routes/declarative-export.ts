import type { JsonObject } from '@gantry/config';
import { stringify as stringifyYaml } from 'yaml';
import { json } from '../http/responses';
import type { AdminResponse, RequestContext } from '../types';

const YAML_TYPE = 'application/yaml; charset=utf-8';

function exportFormat(ctx: RequestContext): 'yaml' | 'json' | 'kong' {
  const format = ctx.query.get('format');
  if (format === 'yaml' || format === 'json') return format;
  const accept = String(ctx.request.headers.accept ?? '');
  return /yaml/i.test(accept) ? 'yaml' : 'kong';
}

/** A declarative document, built only in the form a response needs. */
export interface DeclarativeSource {
  doc(): JsonObject;
  /** `JSON.stringify(doc())`, built faster; without it the JSON answer serialises `doc()`. */
  json?(): string;
}

/**
 * A declarative document as `GET /config` answers it: Kong's `{"config": "<yaml>"}` by default, the YAML file
 * itself for `?format=yaml` (or `Accept: yaml`), the document as JSON for `?format=json`.
 */
export function renderDeclarativeSource(
  ctx: RequestContext,
  source: DeclarativeSource,
  headers: Readonly<Record<string, string>> = {},
): AdminResponse {
  const format = exportFormat(ctx);
  if (format === 'json') {
    // A string body is sent as is, with the JSON content type a serialised object gets.
    return source.json === undefined
      ? { ...json(200, source.doc()), headers }
      : { status: 200, body: source.json(), headers };
  }
  const yaml = stringifyYaml(source.doc(), { lineWidth: 0 });
  return format === 'yaml'
    ? { status: 200, body: yaml, headers: { 'Content-Type': YAML_TYPE, ...headers } }
    : { ...json(200, { config: yaml }), headers };
}
