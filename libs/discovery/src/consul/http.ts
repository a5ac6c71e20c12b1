import { Agent, request } from 'undici';
import { ConsulWatchError } from './errors';
import { consulDuration } from './pacing';
import type { ConsulConnection } from './resolve-options';
import type { ConsulConsistency } from './options';

/** One read of the Consul HTTP API. */
export interface ConsulRead {
  /** `/v1/catalog/services`, `/v1/health/service/<name>` (the name already encoded). */
  readonly path: string;
  /** Extra query parameters (`filter`). */
  readonly query?: Readonly<Record<string, string>>;
  /** Blocking index; 0 or absent: a plain read that answers at once. */
  readonly index?: number;
  /** `wait` of a blocking read, in ms (only with an index). */
  readonly waitMs?: number;
  readonly signal: AbortSignal;
}

export interface ConsulAnswer {
  /** Raw `X-Consul-Index`, judged by the caller. */
  readonly index: string | undefined;
  readonly body: unknown;
}

/** Consul answers an error as a short plain-text line; keep the message readable. */
const MAX_ERROR_TEXT = 300;

/**
 * The Consul HTTP API over one undici Agent: the ACL token, TLS (CA, client certificate), the datacenter and
 * consistency of every read, and a timeout that grows with the blocking wait (Consul answers a blocking read only
 * when it ends, after up to wait + wait/16). Errors are {@link ConsulWatchError}s; an aborted read rethrows the
 * abort.
 */
export class ConsulHttp {
  private readonly agent: Agent;

  constructor(
    private readonly connection: ConsulConnection,
    private readonly datacenter: string,
    private readonly consistency: ConsulConsistency,
    private readonly requestTimeoutMs: number,
  ) {
    const tls = connection.tls;
    this.agent = new Agent({
      connect: { timeout: requestTimeoutMs, ...(tls ?? {}) },
      // Idle sockets between two reads of a loop are kept; the agent cannot pace us, Consul's own limit is 200
      // connections per client address (limits.http_max_conns_per_client).
      keepAliveTimeout: 30_000,
    });
  }

  get baseUrl(): string {
    return this.connection.baseUrl;
  }

  async get(read: ConsulRead): Promise<ConsulAnswer> {
    const url = this.url(read);
    const blocking = (read.index ?? 0) > 0;
    const waitMs = blocking ? (read.waitMs ?? 0) : 0;
    const where = `GET ${read.path}`;
    let answer;
    try {
      answer = await request(url, {
        method: 'GET',
        dispatcher: this.agent,
        signal: read.signal,
        headers: {
          accept: 'application/json',
          ...(this.connection.token === undefined ? {} : { 'x-consul-token': this.connection.token }),
        },
        headersTimeout: waitMs + Math.ceil(waitMs / 16) + this.requestTimeoutMs,
        bodyTimeout: this.requestTimeoutMs,
      });
    } catch (error) {
      if (read.signal.aborted) throw error;
      throw new ConsulWatchError('GANTRY_CONSUL_UNREACHABLE', `${where} on ${this.baseUrl} failed: ${describe(error)}`);
    }
    const { statusCode, headers, body } = answer;
    let text: string;
    try {
      text = await body.text();
    } catch (error) {
      if (read.signal.aborted) throw error;
      throw new ConsulWatchError('GANTRY_CONSUL_UNREACHABLE', `${where}: the answer broke off: ${describe(error)}`);
    }
    if (statusCode < 200 || statusCode > 299) {
      const detail = text.trim().slice(0, MAX_ERROR_TEXT) || '(no body)';
      throw new ConsulWatchError('GANTRY_CONSUL_HTTP_STATUS', `${where} answered ${statusCode}: ${detail}`, statusCode);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ConsulWatchError('GANTRY_CONSUL_BAD_RESPONSE', `${where} answered a body that is not JSON`);
    }
    const index = headers['x-consul-index'];
    return { index: Array.isArray(index) ? index[0] : index, body: parsed };
  }

  /** Closes idle connections; call after every read was aborted. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  private url(read: ConsulRead): string {
    const params = new URLSearchParams({ dc: this.datacenter, ...read.query });
    if (this.consistency !== 'default') params.set(this.consistency, '');
    if (read.index !== undefined && read.index > 0) {
      params.set('index', String(read.index));
      if (read.waitMs !== undefined) params.set('wait', consulDuration(read.waitMs));
    }
    return `${this.connection.baseUrl}${read.path}?${params.toString()}`;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${typeof code === 'string' ? `${code} ` : ''}${error.message}${cause}`;
}
