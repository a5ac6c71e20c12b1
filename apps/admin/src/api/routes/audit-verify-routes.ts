import { ChainRangeError } from '@gantry/audit';
import { schemaViolation } from '@gantry/config';
import { json, kongErrorResponse, message } from '../http/responses';
import type { Route } from '../router';
import type { AdminResponse, AdminServices, RequestContext } from '../types';

const VERSION = /^[1-9][0-9]{0,15}$/;

/** `?from=` / `?to=`: absent, or a version (an integer of at least 1); a 400 naming the field otherwise. */
function readVersion(ctx: RequestContext, field: 'from' | 'to'): number | undefined | AdminResponse {
  const raw = ctx.query.get(field);
  if (raw === null) return undefined;
  const value = Number(raw);
  if (!VERSION.test(raw) || !Number.isSafeInteger(value)) {
    return kongErrorResponse(schemaViolation({ [field]: 'expected a version: an integer of at least 1' }));
  }
  return value;
}

/**
 * `GET /audit/verify?from=&to=`: recomputes the hash chain over the history (Cassandra in a cluster, the log and
 * its chain file in standalone mode) and names the first broken link. Needs no folded configuration.
 */
export function auditVerifyRoutes(s: AdminServices): Route[] {
  return [
    {
      pattern: '/audit/verify',
      needsConfig: false,
      methods: {
        GET: async (ctx) => {
          const from = readVersion(ctx, 'from');
          if (typeof from === 'object') return from;
          const to = readVersion(ctx, 'to');
          if (typeof to === 'object') return to;
          if (from !== undefined && to !== undefined && from > to) {
            return kongErrorResponse(schemaViolation({ from: `must not be greater than to (${to})` }));
          }
          if (!s.auditChain) return message(501, 'The audit chain is not kept by this process');
          try {
            return json(200, await s.auditChain.verify({ from, to }));
          } catch (error) {
            if (error instanceof ChainRangeError) {
              return kongErrorResponse(schemaViolation({ [error.field]: error.message }));
            }
            const reason = error instanceof Error ? error.message : String(error);
            return { ...message(503, `The audit history cannot be read: ${reason}`), headers: { 'Retry-After': '1' } };
          }
        },
      },
    },
  ];
}
