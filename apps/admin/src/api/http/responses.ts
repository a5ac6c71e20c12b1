import { httpStatusOf, KONG_ERROR_CODES, type KongError } from '@gantry/config';
import type { AdminResponse } from '../types';

/** A JSON answer. */
export function json(status: number, body: unknown): AdminResponse {
  return { status, body };
}

/** `{"message": ...}`, the shape of every Kong answer that is not a DAO error. */
export function message(status: number, text: string): AdminResponse {
  return { status, body: { message: text } };
}

export function notFound(): AdminResponse {
  return message(404, 'Not found');
}

export function methodNotAllowed(): AdminResponse {
  return message(405, 'Method not allowed');
}

export function noContent(): AdminResponse {
  return { status: 204 };
}

/**
 * A DAO error as Kong's Admin API answers it. Kong turns "entity not found" into a bare `{"message":"Not found"}`,
 * whatever the DAO said, so clients only ever see that body with a 404.
 */
export function kongErrorResponse(error: KongError): AdminResponse {
  if (error.code === KONG_ERROR_CODES.NOT_FOUND) return notFound();
  return json(httpStatusOf(error), error);
}
