import type { BuildContext } from '../validate/context';

/** Test clock: 2024-01-01T00:00:00.000Z, in milliseconds. */
export const FIXED_NOW = Date.UTC(2024, 0, 1);

/** A deterministic build context: fixed clock, sequential uuids and keys, a cheap fake password hash. */
export function testContext(overrides: Partial<BuildContext> = {}): Partial<BuildContext> {
  let n = 0;
  let k = 0;
  return {
    now: () => FIXED_NOW,
    uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
    randomKey: () => `key-${++k}`,
    hashPassword: (plain) => `hashed:${plain}`,
    ...overrides,
  };
}
