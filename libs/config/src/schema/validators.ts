import type { JsonPrimitive, JsonValue } from '../json';
import { isUuid } from '../kinds';
import { MESSAGES, quotedList } from './messages';
import type { Constraints } from './types';

const regexCache = new Map<string, RegExp>();

/** Compiles (once) a regex source used by a schema. */
export function schemaRegex(source: string): RegExp {
  let re = regexCache.get(source);
  if (re === undefined) {
    re = new RegExp(source, 'u');
    regexCache.set(source, re);
  }
  return re;
}

function lengthOf(value: JsonValue): number | undefined {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (Array.isArray(value)) return value.length;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length;
  return undefined;
}

function show(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return 'null';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function listOf(options: readonly JsonPrimitive[]): string {
  return options.map((o) => show(o)).join(', ');
}

/**
 * Runs the value constraints of `c` on a non-null value, in Kong's validator order, and returns the first
 * failure's message (or `c.err` when set).
 */
export function runConstraints(c: Constraints, value: JsonValue): string | undefined {
  const err = firstFailure(c, value);
  return err === undefined ? undefined : (c.err ?? err);
}

function firstFailure(c: Constraints, value: JsonValue): string | undefined {
  if (c.eq !== undefined && value !== c.eq) return MESSAGES.eq(show(c.eq));
  if (c.ne !== undefined && value === c.ne) return MESSAGES.ne(show(value));
  if (c.not_one_of !== undefined && c.not_one_of.includes(value as JsonPrimitive)) {
    return MESSAGES.notOneOf(listOf(c.not_one_of));
  }
  if (c.one_of !== undefined && !c.one_of.includes(value as JsonPrimitive)) return MESSAGES.oneOf(listOf(c.one_of));
  if (typeof value === 'number') {
    if (c.gt !== undefined && !(value > c.gt)) return MESSAGES.gt(String(c.gt));
    if (c.timestamp && !(value > 0)) return MESSAGES.TIMESTAMP;
    if (c.between !== undefined && (value < c.between[0] || value > c.between[1])) {
      return MESSAGES.between(c.between[0], c.between[1]);
    }
  }
  if (c.uuid && !isUuid(value)) return MESSAGES.UUID;
  if (c.is_regex && typeof value === 'string' && !compiles(value)) return MESSAGES.isRegex(value);
  const len = lengthOf(value);
  if (len !== undefined) {
    if (c.len_eq !== undefined && len !== c.len_eq) return MESSAGES.lenEq(c.len_eq);
    if (c.len_min !== undefined && len < c.len_min) return MESSAGES.lenMin(c.len_min);
    if (c.len_max !== undefined && len > c.len_max) return MESSAGES.lenMax(c.len_max);
  }
  if (typeof value === 'string') {
    const e = stringFailure(c, value);
    if (e !== undefined) return e;
  }
  if (c.contains !== undefined && Array.isArray(value) && !value.includes(c.contains)) {
    return MESSAGES.contains(show(c.contains));
  }
  if (c.custom_validator !== undefined) {
    const e = c.custom_validator(value);
    if (e !== undefined) return e;
  }
  if (c.mutually_exclusive_subsets !== undefined && Array.isArray(value)) {
    return exclusiveSubsets(c.mutually_exclusive_subsets, value);
  }
  return undefined;
}

function stringFailure(c: Constraints, value: string): string | undefined {
  if (c.starts_with !== undefined && !value.startsWith(c.starts_with)) return MESSAGES.startsWith(c.starts_with);
  if (c.not_match !== undefined && schemaRegex(c.not_match).test(value)) return MESSAGES.invalidValue(value);
  if (c.match_none !== undefined) {
    for (const rule of c.match_none) if (schemaRegex(rule.pattern).test(value)) return rule.err;
  }
  if (c.match !== undefined && !schemaRegex(c.match).test(value)) return MESSAGES.invalidValue(value);
  if (c.match_all !== undefined) {
    for (const rule of c.match_all) if (!schemaRegex(rule.pattern).test(value)) return rule.err;
  }
  if (c.match_any !== undefined && !c.match_any.patterns.some((p) => schemaRegex(p).test(value))) {
    return c.match_any.err;
  }
  return undefined;
}

function compiles(source: string): boolean {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}

function exclusiveSubsets(subsets: readonly (readonly string[])[], value: readonly JsonValue[]): string | undefined {
  const memberOf: (readonly string[])[] = [];
  for (const item of value) {
    const subset = subsets.find((s) => typeof item === 'string' && s.includes(item));
    if (subset !== undefined && !memberOf.includes(subset)) memberOf.push(subset);
  }
  return memberOf.length <= 1 ? undefined : MESSAGES.mutuallyExclusiveSets(quotedList(memberOf));
}
