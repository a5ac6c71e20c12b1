import { certificateDigest, parseCertificate } from '../entities/pem';
import { isPasswordHash } from '../entities/password';
import { pluginNotEnabledMessage } from '../entities/plugin-registry';
import { schemaOf } from '../entities/registry';
import { normalizeTarget } from '../entities/target';
import { addEntityError, type FieldErrors } from '../errors/field-errors';
import { asText, jsonEqual, type JsonObject } from '../json';
import type { Entity, EntityKind } from '../kinds';
import { MESSAGES } from '../schema/messages';
import type { EntitySchema } from '../schema/types';
import { validateEntity } from '../schema/validate';
import type { BuildContext } from './context';

/** A complete, valid entity, or what is wrong with the input. */
export type MaterializeResult = { ok: true; entity: Entity } | { ok: false; errors: FieldErrors };

/** The schema an entity is validated against (plugins are specialised by name). */
export function schemaFor(kind: EntityKind, input: JsonObject, ctx: BuildContext): EntitySchema {
  return kind === 'plugins' && typeof input.name === 'string' ? ctx.plugins.entitySchema(input.name) : schemaOf(kind);
}

function fillAutoFields(
  schema: EntitySchema,
  input: JsonObject,
  existing: Entity | undefined,
  ctx: BuildContext,
): void {
  const nowMs = ctx.now();
  for (const [name, def] of schema.fields) {
    if (def.auto !== true) continue;
    const given = input[name];
    if (def.uuid === true) {
      if (given === undefined || given === null) input[name] = existing?.id ?? ctx.uuid();
    } else if (def.timestamp === true) {
      const stamp = def.type === 'integer' ? Math.floor(nowMs / 1000) : Math.round(nowMs) / 1000;
      const keep = given !== undefined && given !== null && (name === 'created_at' || ctx.keepGivenTimestamps);
      if (!keep) input[name] = name === 'created_at' ? (existing?.created_at ?? stamp) : stamp;
    } else if (def.type === 'string' && (given === undefined || given === null)) {
      input[name] = ctx.randomKey();
    }
  }
}

function postProcess(
  kind: EntityKind,
  entity: JsonObject,
  existing: Entity | undefined,
  ctx: BuildContext,
  errors: FieldErrors,
): void {
  if (kind === 'basicauth_credentials' && typeof entity.password === 'string') {
    const unchanged = existing !== undefined && entity.password === existing.password;
    if (ctx.transform && !unchanged && !isPasswordHash(entity.password))
      entity.password = ctx.hashPassword(entity.password, asText(entity.id));
  }
  if (kind === 'ca_certificates' && typeof entity.cert === 'string') {
    const cert = parseCertificate(entity.cert);
    if (!('error' in cert)) {
      entity.cert_digest = certificateDigest(cert);
      if (Date.parse(cert.validTo) < ctx.now())
        addEntityError(errors, 'certificate expired, "Not After" time is in the past');
    }
  }
}

/**
 * Turns input into a complete entity: generates the id, timestamps and credential secrets, validates against
 * the schema (defaults included), then hashes basic-auth passwords and computes CA digests. With `existing`
 * (update or upsert of an existing entity) the id and `created_at` are kept and immutable fields checked.
 */
export function materializeEntity(
  kind: EntityKind,
  input: JsonObject,
  existing: Entity | undefined,
  ctx: BuildContext,
): MaterializeResult {
  if (kind === 'plugins' && typeof input.name === 'string' && !ctx.plugins.accepts(input.name)) {
    return { ok: false, errors: { name: pluginNotEnabledMessage(input.name) } };
  }
  const schema = schemaFor(kind, input, ctx);
  const work: JsonObject = { ...input };
  if (kind === 'targets' && typeof work.target === 'string') work.target = normalizeTarget(work.target);
  fillAutoFields(schema, work, existing, ctx);
  const result = validateEntity(schema, work);
  const errors: FieldErrors = result.ok ? {} : { ...result.errors };
  const entity = result.value;
  if (existing !== undefined) {
    for (const [name, def] of schema.fields) {
      const old = existing[name];
      if (def.immutable === true && old !== null && old !== undefined && !jsonEqual(old, entity[name])) {
        errors[name] = MESSAGES.IMMUTABLE;
      }
    }
  }
  if (Object.keys(errors).length === 0) postProcess(kind, entity, existing, ctx, errors);
  return Object.keys(errors).length === 0 ? { ok: true, entity: entity as Entity } : { ok: false, errors };
}
