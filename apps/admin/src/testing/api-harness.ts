import { createAdminApi, type AdminApi } from '../api/admin-api';
import type { AdminApiOptions } from '../api/types';
import { InMemoryConfigBackend } from './in-memory-backend';

/** A parsed reply of {@link ApiHarness.call}. */
export interface HarnessReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Parsed JSON when the reply is JSON, the text otherwise. */
  readonly body: unknown;
}

/** An Admin API over an in-memory backend, called without HTTP. */
export class ApiHarness {
  readonly backend = new InMemoryConfigBackend();
  readonly api: AdminApi;

  constructor(overrides: Partial<AdminApiOptions> = {}) {
    this.api = createAdminApi({
      replica: this.backend,
      writer: this.backend,
      settings: { region: 'test', writeTimeoutMs: 200, maxBodyBytes: 1024 * 1024 },
      nodeInfo: { nodeId: 'node-1', hostname: 'host', region: 'test', gantryVersion: '0.0.0', kongVersion: '3.9.0' },
      ...overrides,
    });
  }

  async call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<HarnessReply> {
    const raw = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    const contentType = body === undefined || typeof body === 'string' ? {} : { 'content-type': 'application/json' };
    const reply = await this.api.handle({
      method,
      url,
      headers: { ...contentType, ...lower(headers) },
      body: Buffer.from(raw),
    });
    const text = reply.body;
    const json = (reply.headers['Content-Type'] ?? '').includes('json') && text !== undefined;
    return { status: reply.status, headers: reply.headers, body: json ? (JSON.parse(text) as unknown) : text };
  }
}

function lower(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
