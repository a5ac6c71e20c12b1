import { backtrackingRisk, typedefs, type FieldEntry } from '@gantry/config';

/** Kong's `typedefs.protocols_http`: the plugin runs on HTTP-family protocols only. */
export const protocolsHttp: FieldEntry = [
  'protocols',
  {
    type: 'set',
    required: true,
    default: ['grpc', 'grpcs', 'http', 'https'],
    elements: { type: 'string', one_of: typedefs.HTTP_PROTOCOLS },
  },
];

/** Kong's `typedefs.no_consumer`: the plugin cannot be scoped to a consumer (auth plugins). */
export const noConsumer: FieldEntry = ['consumer', { type: 'foreign', reference: 'consumers', eq: null }];

/** Kong's `typedefs.no_route` / `no_service`. */
export const noRoute: FieldEntry = ['route', { type: 'foreign', reference: 'routes', eq: null }];
export const noService: FieldEntry = ['service', { type: 'foreign', reference: 'services', eq: null }];

/** True for a non-empty string (Kong's `is_present`). */
export function isPresent(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/**
 * Why a regex that plugins match against client input on every request must be refused even though it compiles:
 * it could backtrack catastrophically (e.g. `(a+)+$` on a crafted User-Agent) and block the event loop. `flags`
 * are those the plugin compiles it with. Undefined when it is safe.
 */
export function unsafeRegexReason(source: string, flags = ''): string | undefined {
  const risk = backtrackingRisk(source, flags);
  return risk === undefined ? undefined : `invalid regex: '${source}' (${risk})`;
}
