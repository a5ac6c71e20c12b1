import { buildContext, materializeEntity, schemaViolation } from '@gantry/config';
import type { UpstreamDefaults } from './desired';

/**
 * Checks a watcher's auto-create defaults at configuration time, with the validation `POST /upstreams` runs:
 * the Kong error message when they cannot make an upstream, undefined when they can.
 */
export function checkUpstreamDefaults(defaults: UpstreamDefaults): string | undefined {
  if ('name' in defaults || 'id' in defaults) return 'upstream defaults must not set name or id';
  const built = materializeEntity('upstreams', { ...defaults, name: 'defaults-check' }, undefined, buildContext());
  return built.ok ? undefined : schemaViolation(built.errors).message;
}
