import {
  applyEvent,
  changeset,
  createState,
  prepareChange,
  type ConfigEvent,
  type ConfigState,
  type Entity,
  type FoldOutcome,
  type PrepareRequest,
} from '@gantry/config';
import { LogRecordTooLargeError, LogUnavailableError } from '@gantry/event-log';
import type { ConfigWriter, WriteResult } from '@gantry/replica';

type Folded = FoldOutcome & { readonly event: ConfigEvent };

/**
 * A writer over an in-memory log folded into a real `ConfigState` with the fold every replica runs, answering
 * like `LogConfigWriter` (read-your-writes, idempotency keys). Failures can be injected: `unavailable` appends
 * fail as a Kafka outage would (optionally after landing, as an unconfirmed append does).
 */
export class FoldingWriter implements ConfigWriter {
  readonly fold: { state: ConfigState } = { state: createState() };
  /** Every event appended, in log order (duplicates included). */
  readonly events: ConfigEvent[] = [];
  /** The next `count` writes fail with `LogUnavailableError`; `landed` appends them first. */
  unavailable = { count: 0, landed: false };
  /** Events with more changes than this fail with `LogRecordTooLargeError`. */
  maxChanges = Number.POSITIVE_INFINITY;
  /** Runs once before the next write is folded: another writer getting there first. */
  beforeNextWrite: (() => void) | undefined;
  private readonly byKey = new Map<string, Folded>();

  write(event: ConfigEvent): Promise<WriteResult> {
    const race = this.beforeNextWrite;
    this.beforeNextWrite = undefined;
    race?.();
    const key = event.idempotency_key;
    const first = typeof key === 'string' ? this.byKey.get(key) : undefined;
    if (first !== undefined) return Promise.resolve(first);
    if (event.changes.length > this.maxChanges) {
      return Promise.reject(new LogRecordTooLargeError(`${event.changes.length} changes exceed ${this.maxChanges}`));
    }
    if (this.unavailable.count > 0) {
      this.unavailable.count--;
      if (this.unavailable.landed) this.append(event);
      return Promise.reject(new LogUnavailableError('simulated broker outage'));
    }
    return Promise.resolve(this.append(event));
  }

  /** A write as the Admin API makes it, by `alice`: how tests make things by hand. Returns the entity. */
  admin(request: PrepareRequest): Entity | null {
    const prepared = prepareChange(this.fold.state, request);
    if (!prepared.ok) throw new Error(prepared.error.message);
    if (prepared.changes.length === 0) return null;
    const outcome = this.append(
      changeset(prepared.changes, { actor: 'alice', source: 'admin', origin_region: 'local' }),
    );
    if (outcome.status !== 'applied') throw new Error(outcome.error.message);
    return prepared.after;
  }

  /** Events written by a given actor. */
  eventsBy(actor: string): ConfigEvent[] {
    return this.events.filter((e) => e.actor === actor);
  }

  private append(event: ConfigEvent): Folded {
    const stored: ConfigEvent = { ...event, version: this.fold.state.version + 1 };
    this.events.push(stored);
    const outcome: Folded = { ...applyEvent(this.fold.state, stored), event: stored };
    const key = stored.idempotency_key;
    if (typeof key === 'string' && !this.byKey.has(key)) this.byKey.set(key, outcome);
    return outcome;
  }
}
