import {
  changeset,
  createEvent,
  replaceEvent,
  type Change,
  type ConfigEvent,
  type EventMeta,
  type EventSource,
  type FoldOutcome,
} from '@gantry/config';
import { kongErrorResponse, message } from '../http/responses';
import type { AdminResponse, AdminServices, RequestContext } from '../types';
import { BAD_IDEMPOTENCY_KEY, idempotencyOf, type IdempotencyToken } from './idempotency';
import { isTooLarge, isUnavailable, withDeadline } from './write-errors';

/** An applied (or first-seen) fold outcome with the event it came from. */
export type AppliedOutcome = Extract<FoldOutcome, { status: 'applied' }> & { readonly event: ConfigEvent };

/** What one write appends: the changes and how to wrap them. */
export interface PreparedWrite {
  readonly changes: Change[];
  /** `replace` for declarative imports; otherwise one change is a single event, several a changeset. */
  readonly replace?: boolean;
  /** A changeset even for one change (a rollback is always one changeset). */
  readonly changeset?: boolean;
  /** Who produced the event, default `admin`. */
  readonly source?: EventSource;
  /** Audit text stored on the event (a rollback names its target version). */
  readonly reason?: string;
}

/** How a route performs its write: prepare the changes (or answer directly), then render the success. */
export interface WritePlan {
  prepare(): PreparedWrite | AdminResponse | Promise<PreparedWrite | AdminResponse>;
  success(outcome: AppliedOutcome): AdminResponse;
}

/** Slack past the writer's own deadline before the admin gives up on it. */
const DEADLINE_SLACK_MS = 1000;

function isResponse(value: PreparedWrite | AdminResponse): value is AdminResponse {
  return 'status' in value;
}

function unavailable(): AdminResponse {
  return {
    status: 503,
    body: { message: 'The configuration log is unavailable; the change was not confirmed. Retry later.' },
    headers: { 'Retry-After': '1' },
  };
}

function replay(
  first: FoldOutcome & { readonly event: ConfigEvent },
  token: IdempotencyToken | undefined,
  plan: WritePlan,
): AdminResponse {
  const recorded = first.event.request_fingerprint;
  if (token !== undefined && typeof recorded === 'string' && recorded !== token.fingerprint) {
    return message(422, 'Idempotency-Key was already used for a different request');
  }
  const response = first.status === 'rejected' ? kongErrorResponse(first.error) : plan.success(first);
  return { ...response, headers: { ...response.headers, 'Idempotent-Replayed': 'true' } };
}

/**
 * Runs one Admin API write: idempotency check, prepare, append through the writer, and the answer from what
 * the fold did (the loser of a race gets the fold's error, e.g. 409). A log that cannot confirm in time
 * answers 503; a retry with the same `Idempotency-Key` then answers with the first outcome.
 */
export async function runWrite(services: AdminServices, ctx: RequestContext, plan: WritePlan): Promise<AdminResponse> {
  const token = idempotencyOf(ctx);
  if (token === 'invalid') return message(400, BAD_IDEMPOTENCY_KEY);
  if (token !== undefined) {
    const prior = services.replica.idempotent(token.key);
    if (prior !== undefined) return replay(prior, token, plan);
  }
  const prepared = await plan.prepare();
  if (isResponse(prepared)) {
    // The first attempt may have been folded while this one was being prepared (its 409 would be wrong).
    const prior = token === undefined || prepared.status < 400 ? undefined : services.replica.idempotent(token.key);
    return prior !== undefined && token !== undefined ? replay(prior, token, plan) : prepared;
  }
  const meta: EventMeta = {
    actor: ctx.principal.name,
    source: prepared.source ?? 'admin',
    origin_region: services.settings.region,
    request_id: ctx.requestId,
    timestamp: services.now(),
    ...(token === undefined ? {} : { idempotency_key: token.key }),
    ...(prepared.reason === undefined ? {} : { reason: prepared.reason }),
  };
  const event =
    prepared.replace === true
      ? replaceEvent(prepared.changes, meta)
      : prepared.changes.length === 1 && prepared.changeset !== true
        ? createEvent(prepared.changes[0], meta)
        : changeset(prepared.changes, meta);
  if (token !== undefined) event.request_fingerprint = token.fingerprint;
  let outcome;
  try {
    const deadlineMs = services.settings.writeTimeoutMs;
    outcome = await withDeadline(services.writer.write(event, { deadlineMs }), deadlineMs + DEADLINE_SLACK_MS);
  } catch (error) {
    if (isUnavailable(error)) return unavailable();
    if (isTooLarge(error)) {
      // Nothing was appended. Kong has no such limit on one change; the log does, so say which one.
      return message(
        413,
        `the change is too large for one config log record (${error instanceof Error ? error.message : 'too large'}); ` +
          'split it into smaller requests or raise the topic’s max.message.bytes',
      );
    }
    throw error;
  }
  if (outcome.status === 'duplicate') return replay(outcome.first, token, plan);
  if (outcome.status === 'rejected') return kongErrorResponse(outcome.error);
  return plan.success(outcome);
}
