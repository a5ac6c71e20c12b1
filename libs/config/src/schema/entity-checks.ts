import { addEntityError, setFieldError, type FieldErrors } from '../errors/field-errors';
import type { JsonObject, JsonValue } from '../json';
import { MESSAGES, quotedList } from './messages';
import { getPath, isNonEmpty } from './paths';
import type { Condition, EntityCheck } from './types';
import { runConstraints } from './validators';

/**
 * Runs cross-field checks on a record whose fields are already validated, adding messages to `errors` the way
 * Kong does: the check's message under `@entity`, and for `conditional` also the failing field's own message.
 */
export function runEntityChecks(checks: readonly EntityCheck[], entity: JsonObject, errors: FieldErrors): void {
  for (const check of checks) runCheck(check, entity, errors);
}

function hasError(errors: FieldErrors, names: readonly string[]): boolean {
  return names.some((n) => errors[n.split('.')[0]] !== undefined);
}

function countNonEmpty(entity: JsonObject, names: readonly string[]): number {
  let n = 0;
  for (const name of names) if (isNonEmpty(getPath(entity, name))) n++;
  return n;
}

function runCheck(check: EntityCheck, entity: JsonObject, errors: FieldErrors): void {
  if ('at_least_one_of' in check) {
    const names = check.at_least_one_of;
    if (countNonEmpty(entity, names) === 0) addEntityError(errors, MESSAGES.atLeastOneOf(quotedList(names)));
  } else if ('only_one_of' in check) {
    const names = check.only_one_of;
    if (countNonEmpty(entity, names) !== 1) addEntityError(errors, MESSAGES.onlyOneOf(quotedList(names)));
  } else if ('mutually_exclusive' in check) {
    const names = check.mutually_exclusive;
    if (!hasError(errors, names) && countNonEmpty(entity, names) > 1) {
      addEntityError(errors, MESSAGES.mutuallyExclusive(quotedList(names)));
    }
  } else if ('mutually_required' in check) {
    const names = check.mutually_required;
    const n = countNonEmpty(entity, names);
    if (!hasError(errors, names) && n !== 0 && n !== names.length) {
      addEntityError(errors, MESSAGES.mutuallyRequired(quotedList(names)));
    }
  } else if ('distinct' in check) {
    const names = check.distinct;
    const seen: JsonValue[] = [];
    for (const name of names) {
      const v = getPath(entity, name);
      if (!isNonEmpty(v) || v === undefined) continue;
      if (seen.includes(v)) {
        addEntityError(errors, MESSAGES.distinct(quotedList(names)));
        return;
      }
      seen.push(v);
    }
  } else if ('conditional' in check) {
    runConditional(check.conditional, entity, errors);
  } else {
    const { field_sources, fn } = check.custom_entity_check;
    if (hasError(errors, field_sources)) return;
    const result = fn(entity);
    if (typeof result === 'string') addEntityError(errors, result);
    else if (result !== undefined) for (const [field, message] of Object.entries(result)) errors[field] = message;
  }
}

function runConditional(
  arg: Extract<EntityCheck, { conditional: unknown }>['conditional'],
  entity: JsonObject,
  errors: FieldErrors,
): void {
  const ifValue = getPath(entity, arg.if_field);
  // A missing or null `if_field` cannot satisfy a condition; Kong would treat null as matching, which only
  // produces confusing follow-up errors.
  if (ifValue === undefined || ifValue === null) return;
  if (conditionFailure(arg.if_match, ifValue) !== undefined) return;
  const thenValue = getPath(entity, arg.then_field) ?? null;
  if (arg.then_match.required === true && thenValue === null) {
    setFieldError(errors, arg.then_field, MESSAGES.REQUIRED);
    addEntityError(errors, MESSAGES.conditional(arg.if_field));
    return;
  }
  const failure = conditionFailure(arg.then_match, thenValue);
  if (failure === undefined) return;
  setFieldError(errors, arg.then_field, failure);
  addEntityError(
    errors,
    arg.then_err !== undefined ? arg.then_err.replace('%s', arg.if_field) : MESSAGES.conditional(arg.if_field),
  );
}

/** Message of the first constraint of `condition` that `value` fails, if any. */
export function conditionFailure(condition: Condition, value: JsonValue): string | undefined {
  if (value === null) {
    if (condition.ne === null) return condition.err ?? MESSAGES.ne('null');
    if (condition.eq !== undefined && condition.eq !== null) return MESSAGES.eq(String(condition.eq));
    if (condition.required === true) return MESSAGES.REQUIRED;
    return undefined;
  }
  if (condition.eq === null) return condition.err ?? MESSAGES.eq('null');
  const own = runConstraints(condition, value);
  if (own !== undefined) return own;
  if (condition.elements !== undefined && Array.isArray(value)) {
    for (const item of value) {
      const e = conditionFailure(condition.elements, item);
      if (e !== undefined) return e;
    }
  }
  return undefined;
}
