/* eslint-disable @typescript-eslint/no-explicit-any -- answers are arbitrary JSON that the assertions check */
/** One answer of the Admin API, with the body parsed as JSON when it is JSON. */
export interface AdminAnswer<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: T;
}

export interface RequestOptions {
  /** Sent as `application/json`. */
  readonly json?: unknown;
  /** Sent as `application/x-www-form-urlencoded`; arrays repeat the name. */
  readonly form?: Record<string, string | number | boolean | (string | number)[]>;
  /** Sent as is, with `contentType`. */
  readonly raw?: string | Buffer;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
}

/** A small fetch-based client for the conformance suite. */
export class AdminClient {
  constructor(
    readonly baseUrl: string,
    private readonly defaultHeaders: Record<string, string> = {},
  ) {}

  /** A client that sends `headers` on every request (tokens). */
  with(headers: Record<string, string>): AdminClient {
    return new AdminClient(this.baseUrl, { ...this.defaultHeaders, ...headers });
  }

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<AdminAnswer<T>> {
    const headers: Record<string, string> = { ...this.defaultHeaders, ...options.headers };
    let body: string | Buffer | undefined;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    } else if (options.form !== undefined) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(options.form)) {
        for (const item of Array.isArray(v) ? v : [v]) params.append(k, String(item));
      }
      body = params.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (options.raw !== undefined) {
      body = options.raw;
      if (options.contentType !== undefined) headers['content-type'] = options.contentType;
    }
    const response = await fetch(this.baseUrl + path, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text !== '') parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, text, body: parsed as T };
  }

  get<T = any>(path: string, options?: RequestOptions): Promise<AdminAnswer<T>> {
    return this.request<T>('GET', path, options);
  }

  post<T = any>(path: string, json?: unknown, options?: RequestOptions): Promise<AdminAnswer<T>> {
    return this.request<T>('POST', path, { json, ...options });
  }

  put<T = any>(path: string, json?: unknown, options?: RequestOptions): Promise<AdminAnswer<T>> {
    return this.request<T>('PUT', path, { json, ...options });
  }

  patch<T = any>(path: string, json?: unknown, options?: RequestOptions): Promise<AdminAnswer<T>> {
    return this.request<T>('PATCH', path, { json, ...options });
  }

  delete<T = any>(path: string, options?: RequestOptions): Promise<AdminAnswer<T>> {
    return this.request<T>('DELETE', path, options);
  }

  /** Replaces the whole configuration with an empty one, so each group starts from nothing. */
  async reset(): Promise<void> {
    const answer = await this.post('/config', { _format_version: '3.0' });
    if (answer.status !== 201) throw new Error(`reset failed: ${answer.status} ${answer.text}`);
  }

  /** Follows `offset` until the last page and returns every item, checking the last-page shape. */
  async all<T = any>(path: string, size: number): Promise<T[]> {
    const items: T[] = [];
    let offset: string | undefined;
    for (let guard = 0; guard < 10_000; guard++) {
      const sep = path.includes('?') ? '&' : '?';
      const page = await this.get(`${path}${sep}size=${size}${offset ? `&offset=${encodeURIComponent(offset)}` : ''}`);
      if (page.status !== 200) throw new Error(`page failed: ${page.status} ${page.text}`);
      items.push(...(page.body.data as T[]));
      offset = page.body.offset as string | undefined;
      if (offset === undefined) {
        if (page.body.next !== null) throw new Error(`last page must have next: null, got ${String(page.body.next)}`);
        return items;
      }
      if (offset === '') throw new Error('offset must never be an empty string');
    }
    throw new Error('pagination did not end');
  }
}
