import { JWT_ALGORITHMS } from '@gantry/config';
import { decodeBase64UrlKong } from '../shared/base64';

/** A token split and decoded the way Kong's `jwt_parser` does it, before any signature check. */
export interface DecodedToken {
  readonly header: Readonly<Record<string, unknown>>;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly alg: string;
}

const SUPPORTED_ALGORITHMS: ReadonlySet<string> = new Set(JWT_ALGORITHMS);

/**
 * Decodes a compact JWT, or gives Kong's reason for refusing it (`invalid JSON`, `invalid alg`, `invalid
 * claims`, `invalid signature`), which the plugin reports as `Bad token; <reason>`.
 */
export function decodeToken(token: string): DecodedToken | string {
  // Kong splits into at most three parts: dots after the second one stay in the signature segment.
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  if (second < 0) return 'invalid JSON';
  const header = parseSegment(token.slice(0, first));
  const claims = parseSegment(token.slice(first + 1, second));
  if (header === undefined || claims === undefined) return 'invalid JSON';
  if (!isRecord(header)) return 'invalid alg';
  const alg = header.alg;
  if (typeof alg !== 'string' || !SUPPORTED_ALGORITHMS.has(alg)) return 'invalid alg';
  if (!isRecord(claims)) return 'invalid claims';
  if (decodeBase64UrlKong(token.slice(second + 1)) === null) return 'invalid signature';
  return { header, claims, alg };
}

function parseSegment(segment: string): unknown {
  const bytes = decodeBase64UrlKong(segment);
  if (bytes === null) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
