import * as http from 'node:http';
import * as https from 'node:https';
import type { KubeAccess } from './kubeconfig';

export interface KubeResponse {
  readonly status: number;
  readonly text: string;
}

/**
 * One request to the API server of `access` (its CA, bearer token or client certificate), with a JSON body if
 * given. Resolves with any status; rejects on network errors and after `timeoutMs`.
 */
export function kubeRequest(
  access: KubeAccess,
  method: string,
  pathAndQuery: string,
  body?: unknown,
  timeoutMs = 10_000,
): Promise<KubeResponse> {
  const url = new URL(pathAndQuery, `${access.server}/`);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const headers: http.OutgoingHttpHeaders = { accept: 'application/json' };
  if (payload) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = payload.length;
  }
  if (access.token) headers.authorization = `Bearer ${access.token}`;
  else if (access.username !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${access.username}:${access.password ?? ''}`).toString('base64')}`;
  }
  const options: https.RequestOptions = {
    method,
    headers,
    timeout: timeoutMs,
    ca: access.ca,
    cert: access.clientCert,
    key: access.clientKey,
    rejectUnauthorized: !access.insecureSkipTlsVerify,
    servername: access.tlsServerName,
    agent: false, // one connection per request: nothing keeps the event loop alive afterwards
  };
  const client = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const request = client.request(url, options, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`${method} ${url.href} timed out after ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(payload);
  });
}
