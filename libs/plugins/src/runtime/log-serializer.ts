import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Entity } from '@gantry/config';
import type { PluginRequest } from './plugin-request';

/** Kong's log record (`kong.log.serialize()`), as http-log and file-log send it. */
export interface SerializedLog {
  request: {
    method: string;
    uri: string;
    url: string;
    size: number;
    querystring: Record<string, string | string[] | true>;
    headers: Record<string, string | string[]>;
  };
  upstream_uri: string;
  response: { status: number; size: number; headers: Record<string, string | string[]> };
  latencies: { kong: number; proxy: number; request: number; receive: number };
  client_ip: string;
  started_at: number;
  source: 'upstream' | 'kong';
  route?: Entity;
  service?: Entity;
  consumer?: Entity;
  authenticated_entity?: { id: string };
  tries?: unknown[];
  workspace: string;
  workspace_name: string;
  /** Gantry's own fields, under one key so they never collide with Kong's. */
  gantry: {
    /** The config version (log position) whose router and plugins served the request. */
    config_version: number;
  };
}

/** Headers whose values are secrets: Kong logs them as `REDACTED`. */
const REDACTED = new Set(['authorization', 'proxy-authorization']);
const DEFAULT_WORKSPACE = '00000000-0000-0000-0000-000000000000';

const SERIALIZED = Symbol('gantry.serializedLog');
type Memo = PluginRequest & { [SERIALIZED]?: SerializedLog };

/**
 * Kong's serialized log of a finished request. Built once per request, whatever the number of log plugins;
 * callers must not mutate the result (copy before adding fields).
 */
export function serializeLog(kong: PluginRequest): SerializedLog {
  const memo = kong as Memo;
  const cached = memo[SERIALIZED];
  if (cached !== undefined) return cached;
  const response = kong.response;
  const uri = kong.rawQuery === '' ? kong.path : `${kong.path}?${kong.rawQuery}`;
  const log: SerializedLog = {
    request: {
      method: kong.method,
      uri,
      // Kong's `scheme://host:server_port/uri`: the client's host name and the port it connected to, always
      // with the port (the Host header may be without one, and by now it may name the upstream).
      url: `${kong.scheme}://${kong.host}:${kong.port}${uri}`,
      size: response?.requestSize ?? 0,
      querystring: querystringOf(kong.rawQuery),
      headers: redacted(kong.loggedHeaders ?? kong.headers),
    },
    upstream_uri: kong.upstreamQuery === '' ? kong.upstreamPath : `${kong.upstreamPath}?${kong.upstreamQuery}`,
    response: {
      status: response?.status ?? 0,
      size: response?.size ?? 0,
      headers: redacted(response?.headers ?? {}),
    },
    latencies: {
      kong: Math.round(response?.proxyLatencyMs ?? response?.requestLatencyMs ?? 0),
      proxy: Math.round(response?.upstreamLatencyMs ?? -1),
      request: Math.round(response?.requestLatencyMs ?? 0),
      receive: 0,
    },
    client_ip: kong.clientIp,
    started_at: kong.startedAt,
    source: response?.source === 'upstream' ? 'upstream' : 'kong',
    workspace: DEFAULT_WORKSPACE,
    workspace_name: 'default',
    gantry: { config_version: kong.configVersion },
  };
  if (kong.route !== null) log.route = kong.route;
  if (kong.service !== null) log.service = kong.service;
  if (kong.consumer !== null) log.consumer = kong.consumer;
  if (kong.credential !== null) log.authenticated_entity = { id: kong.credential.id };
  memo[SERIALIZED] = log;
  return log;
}

function redacted(headers: IncomingHttpHeaders | OutgoingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    out[lower] = REDACTED.has(lower) ? 'REDACTED' : Array.isArray(value) ? value.map(String) : String(value);
  }
  return out;
}

/** nginx's `ngx.req.get_uri_args`: repeated keys become lists, keys without `=` are `true`. */
function querystringOf(raw: string): Record<string, string | string[] | true> {
  const out: Record<string, string | string[] | true> = {};
  if (raw === '') return out;
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    const value: string | true = eq < 0 ? true : decode(part.slice(eq + 1));
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else if (Array.isArray(existing)) existing.push(String(value));
    else out[key] = [String(existing), String(value)];
  }
  return out;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
