import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, connect } from 'node:net';
import type { ActiveSettings } from '../settings/healthcheck-settings';

/** What one active probe saw. `status` 0 means the response was not valid HTTP. */
export type ProbeResult =
  | { readonly kind: 'connected' }
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'tcp-error'; readonly error: string }
  | { readonly kind: 'aborted' };

export interface ProbeTarget {
  readonly address: string;
  readonly port: number;
  /** Host header: the upstream's `host_header`, else the target's host. */
  readonly hostHeader: string;
  /** TLS server name: `https_sni`, else the target's host when it is a name. */
  readonly servername: string | undefined;
}

/** OpenResty treats a socket timeout of 0 as its default of 60 s. */
const DEFAULT_TIMEOUT_MS = 60_000;

function deadline(settings: ActiveSettings): number {
  return settings.timeoutMs > 0 ? settings.timeoutMs : DEFAULT_TIMEOUT_MS;
}

/** Settles once with the first result and tears the connection down. */
function settleOnce(destroy: () => void, resolve: (r: ProbeResult) => void, ms: number, signal: AbortSignal) {
  let settled = false;
  const finish = (result: ProbeResult): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    destroy();
    resolve(result);
  };
  const timer = setTimeout(() => finish({ kind: 'timeout' }), ms);
  timer.unref();
  const onAbort = (): void => finish({ kind: 'aborted' });
  signal.addEventListener('abort', onAbort);
  if (signal.aborted) onAbort();
  return finish;
}

/** A TCP connect: success when the connection opens. */
export function tcpProbe(target: ProbeTarget, settings: ActiveSettings, signal: AbortSignal): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host: target.address, port: target.port });
    const finish = settleOnce(() => socket.destroy(), resolve, deadline(settings), signal);
    socket.once('connect', () => finish({ kind: 'connected' }));
    socket.once('error', (error) => finish({ kind: 'tcp-error', error: error.message }));
  });
}

function requestHeaders(target: ProbeTarget, settings: ActiveSettings): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = {};
  if (settings.headers !== null) {
    for (const [name, values] of settings.headers) headers[name] = [...values];
  }
  headers.host = target.hostHeader;
  headers.connection = 'close';
  return headers;
}

/** `GET http_path` over HTTP or HTTPS; the status line is all it reads. */
export function httpProbe(target: ProbeTarget, settings: ActiveSettings, signal: AbortSignal): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const options: https.RequestOptions = {
      host: target.address,
      port: target.port,
      method: 'GET',
      path: settings.httpPath,
      headers: requestHeaders(target, settings),
      agent: false,
    };
    let request: http.ClientRequest;
    if (settings.type === 'https') {
      options.rejectUnauthorized = settings.verifyCertificate;
      if (target.servername !== undefined) options.servername = target.servername;
      request = https.request(options);
    } else {
      request = http.request(options);
    }
    const finish = settleOnce(() => request.destroy(), resolve, deadline(settings), signal);
    request.once('response', (response) => {
      finish({ kind: 'status', status: response.statusCode ?? 0 });
      response.resume();
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      // A malformed response is an HTTP failure (Kong reports status nil); everything else failed at TCP/TLS level.
      const malformed = error.code?.startsWith('HPE_') === true;
      finish(malformed ? { kind: 'status', status: 0 } : { kind: 'tcp-error', error: error.message });
    });
    request.end();
  });
}

/** The probe for the configured check type. */
export function probe(target: ProbeTarget, settings: ActiveSettings, signal: AbortSignal): Promise<ProbeResult> {
  return settings.type === 'tcp' ? tcpProbe(target, settings, signal) : httpProbe(target, settings, signal);
}

/** The Host header value for `host` (IPv6 literals in brackets). */
export function hostHeaderFor(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}
