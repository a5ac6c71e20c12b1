import { randomUUID } from 'node:crypto';
import { createChange, createEvent, deleteChange, updateChange, type EventMeta } from '../events/builders';
import type { ConfigEvent } from '../events/types';
import { asText } from '../json';
import type { Entity } from '../kinds';
import { applyEvent } from './apply';
import { createState } from './state';
import { benchRoute, benchService } from '../testing/bench-entities';

const META: EventMeta = { actor: 'bench', source: 'admin', origin_region: 'local', timestamp: 0 };

/**
 * A log of `n` simple single-change events: creates of services and routes (each route on an existing
 * service), updates of services and deletes of routes, in a fixed mix.
 */
export function makeBenchEvents(n: number): ConfigEvent[] {
  const events: ConfigEvent[] = [];
  const services: Entity[] = [];
  const routes: string[] = [];
  for (let i = 0; i < n; i++) {
    const slot = i % 10;
    let event: ConfigEvent;
    if (services.length === 0 || slot < 4) {
      const s = benchService(randomUUID(), i);
      services.push(s);
      event = createEvent(createChange('services', s), META);
    } else if (slot < 7) {
      const id = randomUUID();
      routes.push(id);
      event = createEvent(createChange('routes', benchRoute(id, i, services[i % services.length].id)), META);
    } else if (slot < 9 || routes.length === 0) {
      const k = i % services.length;
      const before = services[k];
      const after = benchService(before.id, Number(asText(before.name).slice(4)), { retries: (i % 10) + 1 });
      services[k] = after;
      event = createEvent(updateChange('services', before, after), META);
    } else {
      event = createEvent(deleteChange('routes', routes.pop() as string), META);
    }
    event.version = i + 1;
    events.push(event);
  }
  return events;
}

/** Folds `n` simple events into a fresh state and returns the throughput in events per second. */
export function benchFold(n: number): number {
  const events = makeBenchEvents(n);
  const state = createState();
  const start = performance.now();
  for (const event of events) applyEvent(state, event);
  const seconds = (performance.now() - start) / 1000;
  return n / seconds;
}
