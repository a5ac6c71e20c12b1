import { isJsonObject, type FieldEntry, type JsonValue } from '@gantry/config';
import type { AdminRequest, AdminResponse } from '../types';
import { decodeForm } from './form';
import { inferValues } from './infer';
import { message } from './responses';

/**
 * The request's arguments, or the answer to give when they cannot be read. `form` is set for form and
 * multipart bodies, whose values are still strings (see {@link typedArgs}).
 */
export type BodyResult = { ok: true; args: unknown; form: boolean } | { ok: false; response: AdminResponse };

/** The media type of a request, lower case, without parameters (`application/json`). */
export function mediaType(request: AdminRequest): string {
  const raw = request.headers['content-type'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return (value ?? '').split(';')[0].trim().toLowerCase();
}

export function isJsonMedia(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json');
}

const UNSUPPORTED =
  'Unsupported Content-Type; use application/json, application/x-www-form-urlencoded or multipart/form-data';

/**
 * Reads a write's body the way Kong does: JSON as is, form and multipart fields decoded with Kong's naming
 * conventions. Broken JSON answers 400 `Cannot parse JSON body`; an unknown content type with a body
 * answers 415.
 */
export async function readBody(request: AdminRequest): Promise<BodyResult> {
  const type = mediaType(request);
  const text = request.body.toString('utf8');
  if (isJsonMedia(type)) {
    try {
      return { ok: true, args: JSON.parse(text) as unknown, form: false };
    } catch {
      return { ok: false, response: message(400, 'Cannot parse JSON body') };
    }
  }
  if (type === 'application/x-www-form-urlencoded') {
    return { ok: true, args: decodeForm(new URLSearchParams(text)), form: true };
  }
  if (type === 'multipart/form-data') {
    const pairs = await multipartPairs(request);
    if (pairs === undefined) return { ok: false, response: message(400, 'Cannot parse multipart body') };
    return { ok: true, args: decodeForm(pairs), form: true };
  }
  if (request.body.length === 0) return { ok: true, args: {}, form: false };
  return { ok: false, response: message(415, UNSUPPORTED) };
}

/** Form values typed by the target schema's fields; JSON bodies are returned unchanged. */
export function typedArgs(body: { args: unknown; form: boolean }, fields: readonly FieldEntry[]): unknown {
  return body.form && isJsonObject(body.args) ? inferValues(fields, body.args) : body.args;
}

/** Multipart fields via the WHATWG `Request` parser Node ships; parts sent as JSON are decoded. */
export async function multipartPairs(request: AdminRequest): Promise<[string, JsonValue][] | undefined> {
  if (request.body.length === 0) return [];
  const header = request.headers['content-type'];
  const contentType = Array.isArray(header) ? header[0] : (header ?? '');
  try {
    const form = await new Request('http://admin.local/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: request.body,
    }).formData();
    const pairs: [string, JsonValue][] = [];
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') {
        pairs.push([name, value]);
        continue;
      }
      const text = await value.text();
      pairs.push([name, value.type.startsWith('application/json') ? parseJsonOr(text) : text]);
    }
    return pairs;
  } catch {
    return undefined;
  }
}

function parseJsonOr(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}
