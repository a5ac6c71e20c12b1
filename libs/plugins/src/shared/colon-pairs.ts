import type { ScalarField } from '@gantry/config';

/** One `name:value` entry of the transformer plugins' lists. */
export interface ColonPair {
  readonly name: string;
  /** Null when nothing follows the colon(s). */
  readonly value: string | null;
}

/**
 * Splits an entry the way Kong's transformers do (Lua pattern `^([^:]+):*(.-)$`): the name runs to the first
 * colon, every colon right after it is skipped, the rest is the value. Null when the entry starts with a colon.
 */
export function splitColonPair(entry: string): ColonPair | null {
  const colon = entry.indexOf(':');
  if (colon === 0) return null;
  if (colon < 0) return { name: entry, value: null };
  let start = colon;
  while (entry.charCodeAt(start) === 0x3a) start++;
  return { name: entry.slice(0, colon), value: start < entry.length ? entry.slice(start) : null };
}

/** The schema `match` of entries that must carry a colon (`^[^:]+:.*$`; Lua's `.` also matches newlines). */
export const COLON_ENTRY = '^[^:]+:[\\s\\S]*$';

const HEADER_NAME = /^[a-zA-Z0-9_-]+$/;
/** True for a control character nginx refuses in a header value (horizontal tab is allowed). */
function isForbiddenInValue(code: number): boolean {
  return (code < 0x20 && code !== 0x09) || code === 0x7f;
}

/** Kong's `validate_header_name`. */
export function isHeaderName(name: string): boolean {
  return HEADER_NAME.test(name);
}

/** Kong's `validate_header_value`. */
export function isHeaderValue(value: string): boolean {
  // CR/LF would split the header.
  for (let i = 0; i < value.length; i++) if (isForbiddenInValue(value.charCodeAt(i))) return false;
  return true;
}

function notAHeader(text: string | null | undefined): string {
  return `'${text ?? 'nil'}' is not a valid header`;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** An entry whose name must be a header name (the value part, if any, is not checked). */
export const headerNameEntry: ScalarField = {
  type: 'string',
  custom_validator: (v) => {
    const pair = splitColonPair(str(v));
    return pair !== null && isHeaderName(pair.name) ? undefined : notAHeader(pair?.name);
  },
};

/** `old:new` where both are header names (rename). */
export const headerRenameEntry: ScalarField = {
  type: 'string',
  match: COLON_ENTRY,
  custom_validator: (v) => {
    const pair = splitColonPair(str(v));
    if (pair === null || !isHeaderName(pair.name)) return notAHeader(pair?.name);
    const target = pair.value ?? '';
    return isHeaderName(target) ? undefined : notAHeader(target);
  },
};

/** `name:value` where the name is a header name and the value a valid header value. */
export function headerValueEntry(extra?: (value: string) => string | undefined): ScalarField {
  return {
    type: 'string',
    match: COLON_ENTRY,
    custom_validator: (v) => {
      const pair = splitColonPair(str(v));
      if (pair === null || !isHeaderName(pair.name)) return notAHeader(pair?.name);
      const value = pair.value ?? '';
      if (!isHeaderValue(value)) return notAHeader(value);
      return extra?.(value);
    },
  };
}
