import { randomUUID } from 'node:crypto';
import {
  buildContext,
  createChange,
  createEvent,
  deleteChange,
  materializeEntity,
  updateChange,
  type ConfigEvent,
  type Entity,
  type EntityKind,
  type EventMeta,
  type JsonObject,
} from '@gantry/config';

/** Upstreams of the churn history, and the targets each keeps. */
const UPSTREAMS = 1_000;
const TARGETS_PER_UPSTREAM = 10;
/** One event in this many updates an upstream (an operator's change); the others replace targets. */
const UPDATE_EVERY = 10;
/** Events carry a fixed clock, so every run writes the same sizes. */
const CREATED_MS = 1_700_000_000_000;

export const CHURN_MIX =
  `${UPSTREAMS.toLocaleString('en-US')} upstreams of ${TARGETS_PER_UPSTREAM} targets each, then targets replaced ` +
  `one at a time by discovery (a delete, then a create of a new address) with an upstream update in every ` +
  `${UPDATE_EVERY} events; the state stays at ${(UPSTREAMS * (TARGETS_PER_UPSTREAM + 1)).toLocaleString('en-US')} ` +
  `entities (churnEvents, bench/suites/audit/churn-events.ts)`;

const ADMIN: EventMeta = { actor: 'bench', source: 'admin', origin_region: 'local', timestamp: CREATED_MS };
const DISCOVERY: EventMeta = { actor: 'consul', source: 'discovery', origin_region: 'local', timestamp: CREATED_MS };
const ctx = buildContext({ now: () => CREATED_MS, uuid: randomUUID });

/** An entity as the Admin API stores it: every Kong default filled in. */
function materialized(kind: EntityKind, input: JsonObject, existing?: Entity): Entity {
  const built = materializeEntity(kind, input, existing, ctx);
  if (!built.ok) throw new Error(`churn bench: invalid ${kind}: ${JSON.stringify(built.errors)}`);
  return built.entity;
}

/**
 * A config log shaped by service discovery: the history grows without the configuration growing, as instances
 * come and go. Versions run from 1; `total` events in all (the first upstream and target creates included).
 */
export function* churnEvents(total: number): Generator<ConfigEvent> {
  const upstreams: Entity[] = [];
  /** Each upstream's targets, oldest first. */
  const targets: Entity[][] = [];
  let version = 0;
  let address = 0;
  const emit = (event: ConfigEvent): ConfigEvent => {
    event.version = ++version;
    return event;
  };
  const newTarget = (u: number): Entity => {
    const a = address++;
    const target = `10.${(a >> 16) & 255}.${(a >> 8) & 255}.${a & 255}:8080`;
    return materialized('targets', { target, weight: 100, tags: ['consul'], upstream: { id: upstreams[u].id } });
  };

  for (let u = 0; u < UPSTREAMS && version < total; u++) {
    const upstream = materialized('upstreams', { name: `up-${u}.internal`, tags: ['bench'] });
    upstreams.push(upstream);
    targets.push([]);
    yield emit(createEvent(createChange('upstreams', upstream), ADMIN));
    for (let t = 0; t < TARGETS_PER_UPSTREAM && version < total; t++) {
      const target = newTarget(u);
      targets[u].push(target);
      yield emit(createEvent(createChange('targets', target), DISCOVERY));
    }
  }
  let turn = 0;
  while (version < total) {
    const u = turn++ % upstreams.length;
    if (turn % UPDATE_EVERY === 0) {
      const before = upstreams[u];
      const after = materialized('upstreams', { ...before, slots: 100 + (turn % 10_000) }, before);
      upstreams[u] = after;
      yield emit(createEvent(updateChange('upstreams', before, after), ADMIN));
      continue;
    }
    const gone = targets[u].shift() as Entity;
    yield emit(createEvent(deleteChange('targets', gone.id, gone), DISCOVERY));
    if (version === total) break;
    const target = newTarget(u);
    targets[u].push(target);
    yield emit(createEvent(createChange('targets', target), DISCOVERY));
  }
}
