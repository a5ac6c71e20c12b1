import {
  BadPointError,
  RollbackUnplannableError,
  diffConfigStates,
  entityLabel,
  exportRedacted,
  exportRedactedJson,
  planRollback,
  type ResolvedPoint,
  type RollbackPlan,
} from '@gantry/audit';
import { isJsonObject, schemaViolation, type ConfigState } from '@gantry/config';
import { readBody } from '../http/body';
import { json, kongErrorResponse, message } from '../http/responses';
import type { Route } from '../router';
import type { AdminResponse, AdminServices, RequestContext } from '../types';
import { runWrite } from '../write/run-write';
import { renderDeclarativeSource } from './declarative-export';

/** Thrown inside a handler to answer at once (a bad parameter, history unavailable). */
class Answer extends Error {
  constructor(readonly response: AdminResponse) {
    super('answer');
  }
}

const NOT_KEPT = message(501, 'Time travel needs the event history, which this process does not read');

function unavailable(error: unknown): Answer {
  const reason = error instanceof Error ? error.message : String(error);
  return new Answer({
    ...message(503, `The configuration history cannot be read: ${reason.split('\n')[0]}`),
    headers: { 'Retry-After': '1' },
  });
}

/** Runs a handler body, turning an {@link Answer} into its response. */
async function answering<T>(work: () => Promise<T>): Promise<T | AdminResponse> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Answer) return error.response;
    throw error;
  }
}

/** `{ version, at? }` as responses show a point. */
function pointBody(point: ResolvedPoint): { version: number; at?: string } {
  return point.time === undefined ? { version: point.version } : { version: point.version, at: iso(point.time) };
}

function iso(time: number): string {
  return new Date(time).toISOString();
}

/** Resolves parameter `param` (a version or an RFC 3339 time) against this replica's version. */
async function resolvePoint(s: AdminServices, param: string, raw: unknown): Promise<ResolvedPoint> {
  if (!s.timeTravel) throw new Answer(NOT_KEPT);
  try {
    return await s.timeTravel.resolve(param, raw, s.replica.version());
  } catch (error) {
    if (error instanceof BadPointError) throw new Answer(kongErrorResponse(schemaViolation({ [param]: error.reason })));
    throw unavailable(error);
  }
}

async function pastState(s: AdminServices, version: number): Promise<ConfigState> {
  if (!s.timeTravel) throw new Answer(NOT_KEPT);
  try {
    return (await s.timeTravel.stateAt(version)).state;
  } catch (error) {
    throw unavailable(error);
  }
}

/**
 * The states at `versions`, in order: snapshot plus fold, except that this replica's own state stands for the
 * current version. That one changes as the replica folds, so it is taken last, once every history read is done:
 * callers must use the result before they await anything.
 */
async function statesAt(s: AdminServices, versions: readonly number[]): Promise<ConfigState[]> {
  const states = new Map<number, ConfigState>();
  for (;;) {
    const missing = versions.filter((v) => !states.has(v));
    const past = missing.filter((v) => v !== s.replica.version());
    if (past.length === 0) {
      for (const v of missing) states.set(v, s.replica.state);
      return versions.map((v) => states.get(v) as ConfigState);
    }
    for (const v of past) states.set(v, await pastState(s, v));
  }
}

/**
 * `GET /config?at=<version|RFC 3339 time>`: the configuration as it was, in the format of `GET /config`, with
 * secrets redacted (so it does not import back as is; `POST /config/rollback` restores real values).
 */
export function exportConfigAt(s: AdminServices, ctx: RequestContext): Promise<AdminResponse> {
  return answering(async () => {
    const point = await resolvePoint(s, 'at', ctx.query.get('at'));
    const [state] = await statesAt(s, [point.version]);
    const when = point.time === undefined ? '' : ` (the last version at ${iso(point.time)})`;
    const note = `Gantry configuration at version ${point.version}${when}`;
    return renderDeclarativeSource(
      ctx,
      { doc: () => exportRedacted(state, note), json: () => exportRedactedJson(state, note) },
      { 'X-Gantry-Config-Version': String(point.version) },
    );
  });
}

/** `GET /config/diff?from=&to=`: entities added, removed and changed between two points (`to` defaults to now). */
function configDiff(s: AdminServices, ctx: RequestContext): Promise<AdminResponse> {
  return answering(async () => {
    const from = await resolvePoint(s, 'from', ctx.query.get('from') ?? undefined);
    const toRaw = ctx.query.get('to');
    const to = toRaw === null ? { version: s.replica.version() } : await resolvePoint(s, 'to', toRaw);
    const [before, after] = await statesAt(s, [from.version, to.version]);
    return json(200, { from: pointBody(from), to: pointBody(to), ...diffConfigStates(before, after) });
  });
}

interface RollbackRequest {
  readonly to: unknown;
  readonly dryRun: boolean;
}

async function readRollbackRequest(ctx: RequestContext): Promise<RollbackRequest> {
  const body = await readBody(ctx.request);
  if (!body.ok) throw new Answer(body.response);
  if (!isJsonObject(body.args)) throw new Answer(message(400, 'expected a JSON object: {"to": ..., "dry_run": ...}'));
  const { to, dry_run: dryRun = false } = body.args;
  const flag = dryRun === 'true' ? true : dryRun === 'false' ? false : dryRun;
  if (typeof flag !== 'boolean') {
    throw new Answer(kongErrorResponse(schemaViolation({ dry_run: 'expected a boolean' })));
  }
  return { to: to ?? undefined, dryRun: flag };
}

/** The rollback's answer: what it did (or would do), with every secret redacted. */
function rollbackBody(plan: RollbackPlan, from: number, to: ResolvedPoint, dryRun: boolean, version?: number) {
  return {
    dry_run: dryRun,
    ...(version === undefined ? {} : { version }),
    from: { version: from },
    to: pointBody(to),
    noop: plan.changes.length === 0,
    changes: plan.steps,
    conflicts: plan.conflicts,
    diff: plan.diff,
  };
}

interface Planned {
  readonly plan: RollbackPlan;
  /** The version rolled back from: the replica's when the plan was made. */
  readonly from: number;
  readonly to: ResolvedPoint;
}

async function planNow(s: AdminServices, raw: unknown): Promise<Planned> {
  const to = await resolvePoint(s, 'to', raw);
  const [target] = await statesAt(s, [to.version]);
  // Planned against the state as it stands once the target is known: the replica may have moved meanwhile, and
  // planning is synchronous, so the state cannot change under it.
  const from = s.replica.version();
  try {
    return { plan: planRollback(s.replica.state, target, to.version), from, to };
  } catch (error) {
    if (error instanceof RollbackUnplannableError) {
      throw new Answer(message(409, `The rollback cannot be planned: ${error.message}`));
    }
    throw error;
  }
}

/**
 * `POST /config/rollback {"to": <version|time>, "dry_run": bool}`: the changeset turning today's configuration
 * into the one at `to`. A dry run answers with the diff and the planned changes. Otherwise the changes are
 * appended as one changeset (source `rollback`, the caller as actor, a reason naming the version) and answered
 * once this admin has folded it, like every write. A rollback to the current state appends nothing.
 */
function rollback(s: AdminServices, ctx: RequestContext): Promise<AdminResponse> {
  return answering(async () => {
    const request = await readRollbackRequest(ctx);
    if (request.dryRun) {
      const { plan, from, to } = await planNow(s, request.to);
      return json(200, rollbackBody(plan, from, to, true));
    }
    let planned: Planned | undefined;
    return runWrite(s, ctx, {
      prepare: () =>
        answering(async () => {
          planned = await planNow(s, request.to);
          const { plan, from, to } = planned;
          if (plan.changes.length === 0) return json(200, rollbackBody(plan, from, to, false));
          const reason =
            `rollback to version ${to.version}` +
            (to.time === undefined ? '' : ` (the last version at ${iso(to.time)})`);
          return { changes: plan.changes, changeset: true, source: 'rollback', reason };
        }),
      success: (outcome) => {
        if (planned !== undefined)
          return json(200, rollbackBody(planned.plan, planned.from, planned.to, false, outcome.version));
        // A retry with the same Idempotency-Key is answered from the first outcome, without planning again.
        return json(200, {
          dry_run: false,
          version: outcome.version,
          replayed: true,
          changes: outcome.applied.map((c) => ({
            op: c.op,
            kind: c.kind,
            id: c.key,
            name: entityLabel(c.kind, c.after ?? c.before),
          })),
        });
      },
    });
  });
}

/** `GET /config/diff` and `POST /config/rollback`; `GET /config?at=` is served by {@link exportConfigAt}. */
export function timeTravelRoutes(s: AdminServices): Route[] {
  return [
    { pattern: '/config/diff', methods: { GET: (ctx) => configDiff(s, ctx) } },
    { pattern: '/config/rollback', methods: { POST: (ctx) => rollback(s, ctx) } },
  ];
}
