import { parseDeclarative } from '../declarative/parse';
import { replaceEvent } from '../events/builders';
import { applyEvent } from '../fold/apply';
import { createState, type ConfigState } from '../fold/state';

/** The state a declarative file folds to (as `POST /config` would write it), for tests; throws on a bad file. */
export function declarativeState(doc: unknown, now: number): ConfigState {
  const parsed = parseDeclarative(doc, { now: () => now });
  if (!parsed.ok) throw new Error(parsed.error.message);
  const state = createState();
  const event = replaceEvent(parsed.changes, { actor: 't', source: 'declarative', origin_region: 'r' });
  event.version = 1;
  const outcome = applyEvent(state, event);
  if (outcome.status !== 'applied') throw new Error(outcome.error.message);
  return state;
}
