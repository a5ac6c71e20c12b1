import {
  ENTITY_KINDS,
  exportDeclarative,
  type ConfigState,
  type Entity,
  type EntityKind,
  type JsonObject,
} from '@gantry/config';
import { redactEntity } from '../redact';

/**
 * The state as a declarative configuration (the same layout as `GET /config`), with every secret replaced by
 * `"<redacted>"` and a `_comment` saying so: such a file does not import back as is, since the secrets it would
 * write are placeholders. `note` leads the comment (e.g. which version it shows).
 */
export function exportRedacted(state: ConfigState, note: string): JsonObject {
  const entities = Object.fromEntries(
    ENTITY_KINDS.map((kind) => [
      kind,
      new Map([...state.entities[kind]].map(([id, entity]) => [id, redactEntity(kind, entity)])),
    ]),
  ) as Record<EntityKind, Map<string, Entity>>;
  const { _format_version, _transform, ...collections } = exportDeclarative({ ...state, entities });
  return {
    _format_version,
    _transform,
    _comment:
      `${note}. Secrets (credential keys, passwords, JWT and HMAC secrets, private keys, secret plugin settings) ` +
      'are redacted as "<redacted>": this file cannot be imported as is; restore a past configuration with ' +
      'POST /config/rollback, which writes the real values from the history.',
    ...collections,
  };
}
