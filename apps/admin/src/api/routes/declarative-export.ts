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

/**
 * A declarative document as `GET /config` answers it: Kong's `{"config": "<yaml>"}` by default, the YAML file
 * itself for `?format=yaml` (or `Accept: yaml`), the document as JSON for `?format=json`.
 */
export function renderDeclarative(
  ctx: RequestContext,
  doc: JsonObject,
  headers: Readonly<Record<string, string>> = {},
): AdminResponse {
  const format = exportFormat(ctx);
  if (format === 'json') return { ...json(200, doc), headers };
  const yaml = stringifyYaml(doc, { lineWidth: 0 });
  return format === 'yaml'
    ? { status: 200, body: yaml, headers: { 'Content-Type': YAML_TYPE, ...headers } }
    : { ...json(200, { config: yaml }), headers };
}
