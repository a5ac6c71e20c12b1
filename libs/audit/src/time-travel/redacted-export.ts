import {
  exportDeclarative,
  exportDeclarativeJson,
  type ConfigState,
  type DeclarativeExportOptions,
  type JsonObject,
} from '@gantry/config';
import { redactEntity } from '../redact';

/** The `_comment` leading a redacted export, and the redaction itself, entity by entity as it is exported. */
function redacting(note: string): DeclarativeExportOptions {
  return {
    comment:
      `${note}. Secrets (credential keys, passwords, JWT and HMAC secrets, private keys, secret plugin settings) ` +
      'are redacted as "<redacted>": this file cannot be imported as is; restore a past configuration with ' +
      'POST /config/rollback, which writes the real values from the history.',
    // Only entities holding a secret are copied (see redactEntity).
    mapEntity: redactEntity,
  };
}

/**
 * The state as a declarative configuration (the same layout as `GET /config`), with every secret replaced by
 * `"<redacted>"` and a `_comment` saying so: such a file does not import back as is, since the secrets it would
 * write are placeholders. `note` leads the comment (e.g. which version it shows).
 */
export function exportRedacted(state: ConfigState, note: string): JsonObject {
  return exportDeclarative(state, redacting(note));
}

/** `JSON.stringify(exportRedacted(state, note))`, built without holding the whole document (see exportDeclarativeJson). */
export function exportRedactedJson(state: ConfigState, note: string): string {
  return exportDeclarativeJson(state, redacting(note));
}
