import { randomBytes, randomUUID } from 'node:crypto';
import { hashPassword } from '../entities/password';
import { defaultPluginRegistry, type PluginSchemaRegistry } from '../entities/plugin-registry';

/** What building entities needs from the outside world; every part is injectable for tests. */
export interface BuildContext {
  /** Clock in milliseconds since the epoch. */
  now: () => number;
  uuid: () => string;
  /** Generated credential keys and secrets. */
  randomKey: () => string;
  /** Hashes a basic-auth password; `entityId` lets declarative imports derive a stable salt. */
  hashPassword: (plain: string, entityId: string) => string;
  plugins: PluginSchemaRegistry;
  /** Hash plain basic-auth passwords (false for declarative files with `_transform: false`). */
  transform: boolean;
  /** Keep `created_at`/`updated_at` given in the input (declarative import) instead of stamping now. */
  keepGivenTimestamps: boolean;
}

/** A random 32-character url-safe string, like Kong's generated keys. */
export function randomKey(): string {
  return randomBytes(24).toString('base64url');
}

/** Fills unspecified parts with real clocks, random generators, scrypt and the default plugin registry. */
export function buildContext(options: Partial<BuildContext> = {}): BuildContext {
  return {
    now: options.now ?? Date.now,
    uuid: options.uuid ?? randomUUID,
    randomKey: options.randomKey ?? randomKey,
    hashPassword: options.hashPassword ?? ((p) => hashPassword(p)),
    plugins: options.plugins ?? defaultPluginRegistry,
    transform: options.transform ?? true,
    keepGivenTimestamps: options.keepGivenTimestamps ?? false,
  };
}
