import { isFilterError, parseAuditFilter, type AuditQuery } from '@gantry/audit';
import { isKongError, kongError, KONG_ERROR_CODES } from '@gantry/config';
import { json, kongErrorResponse, message, notFound } from '../http/responses';
import { decodeOffset, encodeOffset, parsePageSize } from '../list/pagination';
import type { Route } from '../router';
import type { AdminResponse, AdminServices, RequestContext } from '../types';

/** How long an audit read waits for the audit store to hold what this admin has folded (read-your-writes). */
const AUDIT_SYNC_MS = 2_000;
const VERSION = /^[1-9]\d{0,15}$/;

function invalidOption(field: string, reason: string): AdminResponse {
  return kongErrorResponse(
    kongError(KONG_ERROR_CODES.INVALID_OPTIONS, `invalid option (${field}: ${reason})`, { [field]: reason }),
  );
}

/** Kong's `next` link: the same path and filters with the new cursor. */
function nextLink(ctx: RequestContext, offset: string): string {
  const query = new URLSearchParams(ctx.query);
  query.set('offset', offset);
  return `${ctx.rawPath}?${query.toString()}`;
}

/**
 * `GET /audit/events` (filtered, paginated like every Kong list, newest first) and `GET /audit/events/{version}`
 * (the event with a field-level diff per change). Secrets are redacted in both.
 */
export function auditRoutes(s: AdminServices): Route[] {
  const audit = (): AuditQuery | undefined => s.audit;
  const unavailable = () => message(501, 'The audit log is not available on this node');
  return [
    {
      pattern: '/audit/events',
      methods: {
        GET: async (ctx) => {
          const log = audit();
          if (log === undefined) return unavailable();
          const filter = parseAuditFilter((name) => ctx.query.get(name));
          if (isFilterError(filter)) return invalidOption(filter.field, filter.reason);
          const size = parsePageSize(ctx.query.get('size'));
          if (isKongError(size)) return kongErrorResponse(size);
          const offset = decodeOffset(ctx.query.get('offset'));
          if (isKongError(offset)) return kongErrorResponse(offset);
          if (offset !== undefined && !VERSION.test(offset)) {
            return kongErrorResponse(
              kongError(KONG_ERROR_CODES.INVALID_OFFSET, `'${ctx.query.get('offset')}' is not a valid offset`),
            );
          }
          await log.sync(s.replica.version(), AUDIT_SYNC_MS);
          const page = await log.list(filter, { size, upTo: offset === undefined ? undefined : Number(offset) });
          const next = page.next === undefined ? undefined : encodeOffset(String(page.next));
          return json(200, {
            data: page.data,
            ...(next === undefined ? {} : { offset: next }),
            next: next === undefined ? null : nextLink(ctx, next),
          });
        },
      },
    },
    {
      pattern: '/audit/events/:version',
      methods: {
        GET: async (ctx) => {
          const log = audit();
          if (log === undefined) return unavailable();
          const raw = ctx.params.version;
          if (!VERSION.test(raw)) return invalidOption('version', 'expected a positive integer');
          const version = Number(raw);
          await log.sync(Math.min(version, s.replica.version()), AUDIT_SYNC_MS);
          const event = await log.get(version);
          return event === undefined ? notFound() : json(200, event);
        },
      },
    },
  ];
}
