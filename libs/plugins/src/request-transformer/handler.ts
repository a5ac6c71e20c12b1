import type { PluginDefinition, PluginHandler } from '../runtime/plugin-definition';
import type { PluginRequest } from '../runtime/plugin-request';
import { decodeArgs } from '../shared/lua-args';
import { bodyKindOf, transformBody, type BodyKind } from './body-operations';
import { transformHeaders } from './header-operations';
import { compileOperations, templatesOf, type OperationLists } from './operations';
import { mergeFormIntoQuery, transformQuery } from './query-operations';
import { NO_SOURCES, RequestSources } from './request-sources';
import { requestTransformerSchema, type RequestTransformerConfig } from './schema';
import { compileTemplate, type Template, type TemplateSources } from './template';
import { upstreamPathOf } from './upstream-path';

/** Methods that carry no body: a form body is moved into the query when `http_method` switches to them. */
const BODYLESS = new Set(['GET', 'HEAD', 'TRACE']);

interface Compiled {
  readonly method: string | null;
  readonly mergeFormOnMethod: boolean;
  readonly uri: Template | null;
  readonly headers: OperationLists;
  readonly query: OperationLists;
  readonly body: OperationLists;
  readonly dynamic: boolean;
  readonly readsHeaders: boolean;
  readonly readsQuery: boolean;
}

function compile(config: RequestTransformerConfig): Compiled {
  const uri = config.replace.uri === null ? null : compileTemplate(config.replace.uri);
  const headers = compileOperations(config, 'headers');
  const query = compileOperations(config, 'querystring');
  const body = compileOperations(config, 'body');
  const templates = [...templatesOf(headers), ...templatesOf(query), ...templatesOf(body)];
  if (uri !== null) templates.push(uri);
  const method = config.http_method?.toUpperCase() ?? null;
  return {
    method,
    mergeFormOnMethod: method !== null && BODYLESS.has(method),
    uri,
    headers,
    query,
    body,
    dynamic: templates.some((t) => t.constant === null),
    readsHeaders: templates.some((t) => t.usesHeaders),
    readsQuery: templates.some((t) => t.usesQuery),
  };
}

function createHandler(config: RequestTransformerConfig): PluginHandler {
  const c = compile(config);

  /** Body work, once the body is read: the form-to-query move, body operations, then the query's. */
  async function finishWithBody(
    kong: PluginRequest,
    sources: TemplateSources,
    mergeForm: boolean,
    kind: BodyKind | null,
  ): Promise<void> {
    const body = await kong.readBody();
    if (mergeForm) {
      const merged = mergeFormIntoQuery(kong.upstreamQuery, decodeArgs(body.toString('utf8')));
      if (merged !== null) kong.setUpstreamQuery(merged);
    }
    if (kind !== null) {
      const transformed = transformBody(kind, kong.header('content-type') ?? '', body, c.body, sources);
      if (transformed !== null) kong.setBody(transformed);
    }
    if (c.query.any) kong.setUpstreamQuery(transformQuery(kong.upstreamQuery, c.query, sources));
  }

  return {
    access(kong: PluginRequest): void | Promise<void> {
      const sources = c.dynamic ? new RequestSources(kong, c.readsHeaders, c.readsQuery) : NO_SOURCES;
      // Kong's order: uri, method, headers, body, query.
      if (c.uri !== null) kong.upstreamPath = upstreamPathOf(c.uri.render(sources));
      const mergeForm = c.mergeFormOnMethod && bodyKindOf(kong.header('content-type')) === 'form';
      if (c.method !== null) kong.upstreamMethod = c.method;
      if (c.headers.any) transformHeaders(kong.headers, c.headers, sources);
      const kind = c.body.any ? bodyKindOf(kong.header('content-type')) : null;
      if (mergeForm || kind !== null) return finishWithBody(kong, sources, mergeForm, kind);
      if (c.query.any) kong.setUpstreamQuery(transformQuery(kong.upstreamQuery, c.query, sources));
    },
  };
}

/** Transforms the request before it reaches the upstream: method, path, headers, query and body. */
export const requestTransformer: PluginDefinition<RequestTransformerConfig> = {
  name: 'request-transformer',
  priority: 801,
  version: '3.9.0',
  schema: requestTransformerSchema,
  create: createHandler,
};
