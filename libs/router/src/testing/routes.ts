import type { Entity, JsonObject } from '@gantry/config';
import type { RequestFacts } from '../types';

let counter = 0;

/** A deterministic uuid-shaped id, so test failures name routes readably. */
export function testId(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** A route entity with every Kong default filled in, as the fold stores it; `fields` override. */
export function makeRoute(fields: JsonObject = {}): Entity {
  counter++;
  return {
    id: testId(counter),
    created_at: 1_700_000_000 + counter,
    updated_at: 1_700_000_000 + counter,
    name: null,
    protocols: ['http', 'https'],
    methods: null,
    hosts: null,
    paths: null,
    headers: null,
    snis: null,
    sources: null,
    destinations: null,
    https_redirect_status_code: 426,
    regex_priority: 0,
    strip_path: true,
    preserve_host: false,
    request_buffering: true,
    response_buffering: true,
    path_handling: 'v0',
    tags: null,
    service: { id: testId(0xfff) },
    ...fields,
  };
}

/** Request facts with defaults (GET http://example.com/); `fields` override. */
export function makeRequest(fields: Partial<RequestFacts> = {}): RequestFacts {
  return { method: 'GET', host: 'example.com', path: '/', headers: {}, scheme: 'http', sni: undefined, ...fields };
}
