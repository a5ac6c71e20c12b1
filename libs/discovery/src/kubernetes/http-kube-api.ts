import type { IncomingMessage } from 'node:http';
import * as http from 'node:http';
import * as https from 'node:https';
import { collectionPath, listParams, watchParams, type Resource } from './api-paths';
import { KubeApiError } from './errors';
import type { KubeAccess } from './kubeconfig';
import type {
  KubeApi,
  KubeEndpointSlice,
  KubeList,
  KubeService,
  KubeStatus,
  ListQuery,
  WatchEventType,
  WatchHandle,
  WatchHandlers,
  WatchQuery,
} from './kube-api';
import { readStatus } from './kube-objects';

interface ListBody<T> {
  readonly metadata?: { readonly resourceVersion?: string; readonly continue?: string };
  readonly items?: readonly T[] | null;
}

/** The error of a non-2xx answer, with the Status the server sent when it sent one. */
function answerError(method: string, path: string, status: number, body: string): KubeApiError {
  let parsed: KubeStatus | undefined;
  try {
    parsed = readStatus(JSON.parse(body));
  } catch {
    parsed = undefined;
  }
  const message = parsed?.message ?? (body.trim().slice(0, 200) || http.STATUS_CODES[status] || 'no message');
  return new KubeApiError(`${method} ${path}: ${status} ${message}`, status, parsed?.reason);
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
  });
}

/**
 * The {@link KubeApi} over Node's own HTTPS client, with a kubeconfig's CA, bearer token or client certificate
 * (see `loadKubeconfig`). Each request has its own connection: a watch holds one for its lifetime anyway.
 * It needs nothing but Node, so it also runs where `@kubernetes/client-node` (ESM-only) cannot be loaded.
 */
export class HttpKubeApi implements KubeApi {
  constructor(private readonly access: KubeAccess) {}

  listServices(query: ListQuery): Promise<KubeList<KubeService>> {
    return this.list('services', query);
  }

  watchServices(query: WatchQuery, handlers: WatchHandlers<KubeService>): WatchHandle {
    return this.watch('services', query, handlers);
  }

  listEndpointSlices(query: ListQuery): Promise<KubeList<KubeEndpointSlice>> {
    return this.list('endpointslices', query);
  }

  watchEndpointSlices(query: WatchQuery, handlers: WatchHandlers<KubeEndpointSlice>): WatchHandle {
    return this.watch('endpointslices', query, handlers);
  }

  private request(path: string, params: Record<string, string>, timeoutMs?: number): http.ClientRequest {
    const { access } = this;
    const url = new URL(`${access.server}${path}`);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    const headers: http.OutgoingHttpHeaders = { accept: 'application/json' };
    if (access.token !== undefined) headers.authorization = `Bearer ${access.token}`;
    else if (access.username !== undefined) {
      const basic = Buffer.from(`${access.username}:${access.password ?? ''}`).toString('base64');
      headers.authorization = `Basic ${basic}`;
    }
    const options: https.RequestOptions = {
      method: 'GET',
      headers,
      ca: access.ca,
      cert: access.clientCert,
      key: access.clientKey,
      rejectUnauthorized: !access.insecureSkipTlsVerify,
      servername: access.tlsServerName,
      agent: false,
      ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }),
    };
    return (url.protocol === 'http:' ? http : https).request(url, options);
  }

  private list<T>(resource: Resource, query: ListQuery): Promise<KubeList<T>> {
    const path = collectionPath(resource, query.namespace);
    return new Promise<KubeList<T>>((resolve, reject) => {
      const request = this.request(path, listParams(query), query.timeoutMs);
      request.on('timeout', () => request.destroy(new Error(`GET ${path} timed out after ${query.timeoutMs} ms`)));
      request.on('error', reject);
      request.on('response', (response) => {
        readBody(response).then((body) => {
          const status = response.statusCode ?? 0;
          if (status !== 200) return reject(answerError('GET', path, status, body));
          let parsed: ListBody<T>;
          try {
            parsed = JSON.parse(body) as ListBody<T>;
          } catch {
            return reject(new Error(`GET ${path}: the answer is not JSON`));
          }
          const items = Array.isArray(parsed.items) ? parsed.items : [];
          const rv = parsed.metadata?.resourceVersion ?? '';
          const next = parsed.metadata?.continue;
          resolve(next ? { items, resourceVersion: rv, continue: next } : { items, resourceVersion: rv });
        }, reject);
      });
      request.end();
    });
  }

  private watch<T>(resource: Resource, query: WatchQuery, handlers: WatchHandlers<T>): WatchHandle {
    const path = collectionPath(resource, query.namespace);
    let finished = false;
    const finish = (error?: Error) => {
      if (finished) return;
      finished = true;
      handlers.done(error);
    };
    const request = this.request(path, watchParams(query));
    request.on('error', (error) => finish(error));
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      if (status !== 200) {
        readBody(response).then(
          (body) => finish(answerError('GET', path, status, body)),
          (error: Error) => finish(error),
        );
        return;
      }
      let buffered = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffered += chunk;
        let newline: number;
        while (!finished && (newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (line === '') continue;
          let event: { type?: WatchEventType; object?: T };
          try {
            event = JSON.parse(line) as { type?: WatchEventType; object?: T };
          } catch {
            request.destroy();
            finish(new Error(`GET ${path}: the watch sent a line that is not JSON`));
            return;
          }
          if (event.type !== undefined && event.object !== undefined) {
            handlers.event({ type: event.type, object: event.object });
          }
        }
      });
      response.on('end', () => finish());
      response.on('aborted', () => finish(new Error(`GET ${path}: the watch connection was cut`)));
      response.on('error', (error) => finish(error));
    });
    request.end();
    return {
      abort: () => {
        finished = true;
        request.destroy();
      },
    };
  }
}

/** A {@link KubeApi} over plain HTTPS for the cluster of a kubeconfig context (`loadKubeconfig`). */
export function createHttpKubeApi(access: KubeAccess): KubeApi {
  return new HttpKubeApi(access);
}
