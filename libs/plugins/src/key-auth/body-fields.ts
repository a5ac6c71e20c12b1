import { multipartBoundary, multipartFields, type MultipartField } from './multipart';

/** A field's value as Kong's `get_body()` table holds it: one string, several values, or something else. */
export type BodyValue = string | typeof SEVERAL | undefined;

/** A field given more than once, or a JSON object or array (a Lua table either way). */
export const SEVERAL = Symbol('several');

/**
 * The body's arguments, parsed as Kong's `kong.request.get_body()` parses them (form-urlencoded, JSON object,
 * multipart/form-data), with a way to write the body back without one field.
 */
export interface BodyFields {
  get(name: string): BodyValue;
  /** The body without `name`, in its own encoding; null when the field is not there. */
  without(name: string): Buffer | null;
}

/** Parses a body by its content type; null when Kong could not (unsupported type, bad JSON). */
export function parseBodyFields(contentType: string | undefined, body: Buffer): BodyFields | null {
  if (contentType === undefined) return null;
  const type = contentType.toLowerCase();
  if (type.includes('application/x-www-form-urlencoded')) return new FormFields(body.toString('latin1'));
  if (type.includes('application/json')) return JsonFields.parse(body);
  if (type.includes('multipart/form-data')) {
    const boundary = multipartBoundary(contentType);
    return boundary === undefined ? null : new MultipartFields(body, multipartFields(body, boundary));
  }
  return null;
}

function several<T>(values: readonly T[], one: (value: T) => BodyValue): BodyValue {
  if (values.length === 0) return undefined;
  return values.length === 1 ? one(values[0]) : SEVERAL;
}

class FormFields implements BodyFields {
  /** Raw `key=value` pairs, kept encoded so removing one leaves the others byte for byte. */
  private readonly pairs: { readonly raw: string; readonly key: string; readonly value: string | true }[];

  constructor(text: string) {
    this.pairs = [];
    for (const raw of text.split('&')) {
      if (raw === '') continue;
      const eq = raw.indexOf('=');
      // An argument without `=` is `true` in nginx's table: present, but not a string.
      const key = formDecode(eq < 0 ? raw : raw.slice(0, eq));
      this.pairs.push({ raw, key, value: eq < 0 ? true : formDecode(raw.slice(eq + 1)) });
    }
  }

  get(name: string): BodyValue {
    const values = this.pairs.filter((p) => p.key === name);
    return several(values, (p) => (p.value === true ? undefined : p.value));
  }

  without(name: string): Buffer | null {
    const kept = this.pairs.filter((p) => p.key !== name);
    if (kept.length === this.pairs.length) return null;
    return Buffer.from(kept.map((p) => p.raw).join('&'), 'latin1');
  }
}

class JsonFields implements BodyFields {
  private constructor(private readonly value: Record<string, unknown> | unknown[]) {}

  static parse(body: Buffer): JsonFields | null {
    try {
      const value: unknown = JSON.parse(body.toString('utf8'));
      return typeof value === 'object' && value !== null ? new JsonFields(value as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }

  get(name: string): BodyValue {
    if (Array.isArray(this.value) || !Object.hasOwn(this.value, name)) return undefined;
    const v = this.value[name];
    if (typeof v === 'string') return v;
    return typeof v === 'object' && v !== null ? SEVERAL : undefined;
  }

  without(name: string): Buffer | null {
    if (Array.isArray(this.value) || !Object.hasOwn(this.value, name)) return null;
    const copy = { ...this.value };
    delete copy[name];
    return Buffer.from(JSON.stringify(copy));
  }
}

class MultipartFields implements BodyFields {
  constructor(
    private readonly body: Buffer,
    private readonly fields: readonly MultipartField[],
  ) {}

  get(name: string): BodyValue {
    return several(
      this.fields.filter((f) => f.name === name),
      (f) => f.value,
    );
  }

  without(name: string): Buffer | null {
    const cut = this.fields.filter((f) => f.name === name);
    if (cut.length === 0) return null;
    const pieces: Buffer[] = [];
    let from = 0;
    for (const field of cut) {
      pieces.push(this.body.subarray(from, field.start));
      from = field.end;
    }
    pieces.push(this.body.subarray(from));
    return Buffer.concat(pieces);
  }
}

function formDecode(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}
