import {
  ROOT_CONTEXT,
  SpanKind,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import type {
  PluginDefinition,
  PluginEntityFacts,
  PluginEnvironment,
  PluginHandler,
  ResponseView,
} from '../runtime/plugin-definition';
import type { PluginRequest } from '../runtime/plugin-request';
import {
  extract,
  headersFor,
  injectFormats,
  propagationOf,
  SUPPORTED_FORMATS,
  type ExtractedContext,
  type OutgoingContext,
} from './propagation';
import { openTelemetrySchema, type Format, type OpenTelemetryConfig } from './schema';
import { FORCED_SAMPLING, isSampled } from './sampling';
import { createInstanceTracer, type InstanceTracer } from './tracer';

/** How long a removed or re-configured instance may take to export what it has buffered. */
const CLOSE_WAIT_MS = 5000;

/** The spans of one request. */
interface RequestTrace {
  readonly root: Span;
  readonly traceId: string;
  /** The span of the upstream call, whose id the upstream sees as its parent; null when nothing was injected. */
  balancer: Span | null;
}

function createHandler(config: OpenTelemetryConfig, env: PluginEnvironment, entity: PluginEntityFacts): PluginHandler {
  const propagation = propagationOf(config);
  const unsupported = new Set<Format>(
    [...(propagation.extract ?? []), ...(propagation.inject ?? []), propagation.default_format].filter(
      (f): f is Format => f !== 'preserve' && !SUPPORTED_FORMATS.has(f),
    ),
  );
  if (unsupported.size > 0) {
    env.logger.warn(
      { plugin: 'opentelemetry', id: entity.id, formats: [...unsupported] },
      'these tracing header formats are not supported and are skipped',
    );
  }
  if (config.logs_endpoint !== null) {
    env.logger.warn(
      { plugin: 'opentelemetry', id: entity.id },
      'logs_endpoint is not supported: only traces are exported',
    );
  }
  const traceIdHeader = config.http_response_header_for_traceid?.toLowerCase() ?? null;
  const clear = propagation.clear ?? [];
  const pipeline: InstanceTracer = createInstanceTracer(config, env, `opentelemetry ${entity.id}`, CLOSE_WAIT_MS);
  const { tracer, sampler } = pipeline;
  const traces = new WeakMap<PluginRequest, RequestTrace>();
  const extractedFrom = new WeakMap<PluginRequest, { format: Format; single: boolean; debug: boolean }>();

  /** Starts the request's root span (Kong's `kong` span), as a child of the caller's span when it sent one. */
  function begin(kong: PluginRequest): RequestTrace {
    const found = extract(kong.headers, propagation.extract);
    let parent: Context = ROOT_CONTEXT;
    if (found !== null) {
      extractedFrom.set(kong, {
        format: found.format,
        single: found.context.singleHeader === true,
        debug: found.context.debug === true,
      });
      parent = parentContext(found.context);
    }
    const root = tracer.startSpan(
      'kong',
      { kind: SpanKind.SERVER, startTime: kong.startedAt, attributes: requestAttributes(kong) },
      parent,
    );
    const state: RequestTrace = { root, traceId: root.spanContext().traceId, balancer: null };
    traces.set(kong, state);
    return state;
  }

  function parentContext(context: ExtractedContext): Context {
    if (context.traceId === null || context.spanId === null) {
      return context.sampled === null ? ROOT_CONTEXT : ROOT_CONTEXT.setValue(FORCED_SAMPLING, context.sampled);
    }
    const sampled = context.sampled ?? sampler.sampledByRate(context.traceId);
    return trace.setSpanContext(ROOT_CONTEXT, {
      traceId: context.traceId,
      spanId: context.spanId,
      traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
      isRemote: true,
    });
  }

  function inject(kong: PluginRequest, state: RequestTrace): void {
    const from = extractedFrom.get(kong);
    const balancer = tracer.startSpan(
      'kong.balancer',
      { kind: SpanKind.CLIENT, attributes: upstreamAttributes(kong) },
      trace.setSpan(ROOT_CONTEXT, state.root),
    );
    state.balancer = balancer;
    const context = balancer.spanContext();
    const out: OutgoingContext = {
      traceId: context.traceId,
      spanId: context.spanId,
      parentSpanId: state.root.spanContext().spanId,
      sampled: isSampled(context.traceFlags),
      debug: from?.debug ?? false,
    };
    for (const name of clear) kong.clearHeader(name);
    for (const format of injectFormats(propagation, from?.format ?? null, from?.single ?? false)) {
      const headers = headersFor(format, out);
      if (headers === null) continue;
      for (const [name, value] of Object.entries(headers)) kong.setHeader(name, value);
    }
  }

  return {
    access(kong: PluginRequest): void {
      const state = traces.get(kong) ?? begin(kong);
      inject(kong, state);
    },

    response(kong: PluginRequest, response: ResponseView): void {
      if (traceIdHeader === null) return;
      const state = traces.get(kong) ?? begin(kong);
      response.headers[traceIdHeader] = state.traceId;
    },

    log(kong: PluginRequest): void {
      // Requests answered before this plugin's access phase (an auth plugin's 401) are traced too.
      const state = traces.get(kong) ?? begin(kong);
      traces.delete(kong);
      const facts = kong.response;
      const endTime = kong.startedAt + (facts?.requestLatencyMs ?? Date.now() - kong.startedAt);
      if (facts !== null) state.root.setAttribute('http.status_code', facts.status);
      const paths = kong.route?.paths;
      state.root.setAttribute('http.route', Array.isArray(paths) && typeof paths[0] === 'string' ? paths[0] : '');
      // The upstream call only happened when the answer came from it.
      if (state.balancer !== null && facts?.source === 'upstream') state.balancer.end(endTime);
      state.root.end(endTime);
    },

    async close(): Promise<void> {
      // The queue bounds its own wait (CLOSE_WAIT_MS).
      await pipeline.shutdown().catch(() => undefined);
    },
  };
}

/** Kong's attributes of the `kong` span. */
function requestAttributes(kong: PluginRequest): Attributes {
  const uri = kong.rawQuery === '' ? kong.path : `${kong.path}?${kong.rawQuery}`;
  return {
    'http.method': kong.method,
    'http.url': `${kong.scheme}://${kong.host}${uri}`,
    'http.host': kong.host,
    'http.scheme': kong.scheme,
    'http.flavor': kong.raw.httpVersion,
    'http.client_ip': kong.clientIp,
    'net.peer.ip': kong.raw.socket?.remoteAddress ?? kong.clientIp,
    'kong.request.id': kong.requestId,
  };
}

/** Kong's attributes of the `kong.balancer` span (the last try). */
function upstreamAttributes(kong: PluginRequest): Attributes {
  const attributes: Attributes = { try_count: 1, 'http.method': kong.upstreamMethod };
  const service = kong.service;
  if (service !== null && typeof service.host === 'string') {
    const uri = kong.rawQuery === '' ? kong.path : `${kong.path}?${kong.rawQuery}`;
    attributes['net.peer.name'] = service.host;
    if (typeof service.port === 'number') attributes['net.peer.port'] = service.port;
    const scheme = typeof service.protocol === 'string' ? service.protocol : 'http';
    attributes['http.url'] = `${scheme}://${service.host}${uri}`;
  }
  return attributes;
}

/**
 * Traces requests with OpenTelemetry: a `kong` server span per request (and a `kong.balancer` client span for
 * the upstream call) exported over OTLP/HTTP, with the trace context propagated to the upstream.
 */
export const openTelemetry: PluginDefinition<OpenTelemetryConfig> = {
  name: 'opentelemetry',
  priority: 14,
  version: '3.9.0',
  schema: openTelemetrySchema,
  create: createHandler,
};
