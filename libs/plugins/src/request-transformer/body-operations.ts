import { appendArg, decodeArgs, encodeArgs } from '../shared/lua-args';
import { boundaryOf, MultipartBody } from './multipart-body';
import { render, type OperationLists } from './operations';
import type { TemplateSources } from './template';

/** The body encodings request-transformer can change. */
export type BodyKind = 'json' | 'form' | 'multipart';

/** Kong's content-type test: a case-insensitive substring search, JSON first. */
export function bodyKindOf(contentType: string | undefined): BodyKind | null {
  if (contentType === undefined) return null;
  const lower = contentType.toLowerCase();
  if (lower.includes('application/json')) return 'json';
  if (lower.includes('multipart/form-data')) return 'multipart';
  if (lower.includes('application/x-www-form-urlencoded')) return 'form';
  return null;
}

/**
 * Applies the body operations; returns the new body, or null when nothing changed (or the body cannot be read
 * as its content type says). Remove, rename and replace apply only to a non-empty body; add and append also
 * build a body from nothing.
 */
export function transformBody(
  kind: BodyKind,
  contentType: string,
  body: Buffer,
  ops: OperationLists,
  sources: TemplateSources,
): Buffer | null {
  switch (kind) {
    case 'json':
      return transformJson(body, ops, sources);
    case 'form':
      return transformForm(body, ops, sources);
    case 'multipart':
      return transformMultipart(contentType, body, ops, sources);
  }
}

type JsonObject = Record<string, unknown>;

function parseObject(body: Buffer): JsonObject | null {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : null;
  } catch {
    return null;
  }
}

// Lua truthiness of a decoded JSON value: JSON null decodes to a (truthy) sentinel, only absent and false fail.
function present(object: JsonObject, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, name) && object[name] !== false;
}

// Defined rather than assigned, so that a field named `__proto__` is a field.
function put(object: JsonObject, name: string, value: unknown): void {
  Object.defineProperty(object, name, { value, writable: true, enumerable: true, configurable: true });
}

function appendJson(current: unknown, value: string): unknown {
  if (typeof current === 'string') return [current, value];
  if (Array.isArray(current)) return [...(current as unknown[]), value];
  return [value];
}

function transformJson(body: Buffer, ops: OperationLists, sources: TemplateSources): Buffer | null {
  const hasContent = body.length > 0;
  const json = hasContent ? parseObject(body) : {};
  if (json === null) return null;
  let changed = false;
  if (hasContent) {
    for (const op of ops.remove) {
      delete json[op.name];
      changed = true;
    }
    for (const op of ops.rename) {
      const target = render(op, sources);
      if (target === null || target === op.name || !present(json, op.name)) continue;
      put(json, target, json[op.name]);
      delete json[op.name];
      changed = true;
    }
    for (const op of ops.replace) {
      const value = render(op, sources);
      if (value === null || !present(json, op.name)) continue;
      put(json, op.name, value);
      changed = true;
    }
  }
  for (const op of ops.add) {
    const value = render(op, sources);
    if (value === null || present(json, op.name)) continue;
    put(json, op.name, value);
    changed = true;
  }
  for (const op of ops.append) {
    const value = render(op, sources);
    if (value === null) continue;
    put(json, op.name, appendJson(json[op.name], value));
    changed = true;
  }
  return changed ? Buffer.from(JSON.stringify(json)) : null;
}

function transformForm(body: Buffer, ops: OperationLists, sources: TemplateSources): Buffer | null {
  const hasContent = body.length > 0;
  const form = decodeArgs(body.toString('utf8'));
  let changed = false;
  if (hasContent) {
    for (const op of ops.remove) {
      form.delete(op.name);
      changed = true;
    }
    for (const op of ops.rename) {
      const target = render(op, sources);
      const value = form.get(op.name);
      if (target === null || target === op.name || value === undefined) continue;
      form.delete(op.name);
      form.set(target, value);
      changed = true;
    }
    for (const op of ops.replace) {
      const value = render(op, sources);
      if (value === null || !form.has(op.name)) continue;
      form.set(op.name, value);
      changed = true;
    }
  }
  for (const op of ops.add) {
    const value = render(op, sources);
    if (value === null || form.has(op.name)) continue;
    form.set(op.name, value);
    changed = true;
  }
  for (const op of ops.append) {
    const value = render(op, sources);
    if (value === null) continue;
    form.set(op.name, appendArg(form.get(op.name), value));
    changed = true;
  }
  return changed ? Buffer.from(encodeArgs(form, false)) : null;
}

/** Kong renames before it removes in multipart bodies, and has no append for them. */
function transformMultipart(
  contentType: string,
  body: Buffer,
  ops: OperationLists,
  sources: TemplateSources,
): Buffer | null {
  const boundary = boundaryOf(contentType);
  if (boundary === null) return null;
  const hasContent = body.length > 0;
  const parts = hasContent ? MultipartBody.parse(body, boundary) : MultipartBody.empty(boundary);
  if (parts === null) return null;
  let changed = false;
  if (hasContent) {
    for (const op of ops.rename) {
      const target = render(op, sources);
      const value = parts.get(op.name);
      if (target === null || target === op.name || value === undefined) continue;
      parts.setSimple(target, value);
      parts.delete(op.name);
      changed = true;
    }
    for (const op of ops.remove) {
      parts.delete(op.name);
      changed = true;
    }
    for (const op of ops.replace) {
      const value = render(op, sources);
      if (value === null || !parts.has(op.name)) continue;
      parts.delete(op.name);
      parts.setSimple(op.name, value);
      changed = true;
    }
  }
  for (const op of ops.add) {
    const value = render(op, sources);
    if (value === null || parts.has(op.name)) continue;
    parts.setSimple(op.name, value);
    changed = true;
  }
  return changed ? parts.toBuffer() : null;
}
