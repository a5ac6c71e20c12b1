import { isJsonObject, type JsonObject, type JsonValue } from '@gantry/config';
import { BalancerError, type BalancerErrorCode } from '../errors';

/**
 * Reads typed fields out of a config entity, naming the field path in the error when one is malformed. A field
 * that is absent takes its value from `defaults`, so entities folded before a field existed still load.
 */
export class FieldReader {
  constructor(
    private readonly code: BalancerErrorCode,
    private readonly record: JsonObject,
    private readonly defaults: JsonObject = {},
    private readonly path = '',
  ) {}

  child(key: string): FieldReader {
    const value = this.value(key);
    if (!isJsonObject(value)) throw this.fail(key, 'expected a record');
    const defaults = this.defaults[key];
    return new FieldReader(this.code, value, isJsonObject(defaults) ? defaults : {}, this.name(key));
  }

  number(key: string, min: number, max: number): number {
    const value = this.value(key);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      throw this.fail(key, `expected a number between ${min} and ${max}`);
    }
    return value;
  }

  integer(key: string, min: number, max: number): number {
    const value = this.number(key, min, max);
    if (!Number.isInteger(value)) throw this.fail(key, 'expected an integer');
    return value;
  }

  string(key: string): string {
    const value = this.value(key);
    if (typeof value !== 'string' || value === '') throw this.fail(key, 'expected a non-empty string');
    return value;
  }

  optionalString(key: string): string | null {
    const value = this.value(key);
    if (value === null || value === undefined) return null;
    if (typeof value !== 'string') throw this.fail(key, 'expected a string or null');
    return value;
  }

  boolean(key: string): boolean {
    const value = this.value(key);
    if (typeof value !== 'boolean') throw this.fail(key, 'expected a boolean');
    return value;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T {
    const value = this.value(key);
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      throw this.fail(key, `expected one of ${allowed.join(', ')}`);
    }
    return value as T;
  }

  statuses(key: string): ReadonlySet<number> {
    const value = this.value(key);
    if (!Array.isArray(value) || !value.every((s) => typeof s === 'number' && Number.isInteger(s))) {
      throw this.fail(key, 'expected an array of status codes');
    }
    return new Set(value as number[]);
  }

  /** A `map` of header name to values, or null. */
  headers(key: string): ReadonlyMap<string, readonly string[]> | null {
    const value = this.value(key);
    if (value === null || value === undefined) return null;
    if (!isJsonObject(value)) throw this.fail(key, 'expected a map of header names to value arrays');
    const out = new Map<string, readonly string[]>();
    for (const [name, values] of Object.entries(value)) {
      if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) {
        throw this.fail(`${key}.${name}`, 'expected an array of strings');
      }
      out.set(name, values);
    }
    return out;
  }

  private value(key: string): JsonValue | undefined {
    const value = this.record[key];
    return value === undefined ? this.defaults[key] : value;
  }

  private name(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`;
  }

  private fail(key: string, message: string): BalancerError {
    return new BalancerError(this.code, `${this.name(key)}: ${message}`);
  }
}
