import { RouterError } from './errors';
import type { RouterOptions } from './types';

/** Kong's MATCH_LRUCACHE_SIZE. */
export const DEFAULT_CACHE_SIZE = 5_000;
export const DEFAULT_MAX_REGEX_SUBJECT_LENGTH = 4 * 1024;
export const DEFAULT_MAX_CACHE_KEY_LENGTH = 2 * 1024;

export interface ResolvedRouterOptions {
  readonly cacheSize: number;
  readonly maxRegexSubjectLength: number;
  readonly maxCacheKeyLength: number;
  readonly onRouteError: (error: RouterError) => void;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RouterError('GANTRY_ROUTER_INVALID_OPTIONS', `${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/** Fills the defaults and rejects nonsense, so the router never runs with an unbounded cache. */
export function resolveOptions(options: RouterOptions = {}): ResolvedRouterOptions {
  return {
    cacheSize: positiveInteger('cacheSize', options.cacheSize, DEFAULT_CACHE_SIZE),
    maxRegexSubjectLength: positiveInteger(
      'maxRegexSubjectLength',
      options.maxRegexSubjectLength,
      DEFAULT_MAX_REGEX_SUBJECT_LENGTH,
    ),
    maxCacheKeyLength: positiveInteger('maxCacheKeyLength', options.maxCacheKeyLength, DEFAULT_MAX_CACHE_KEY_LENGTH),
    onRouteError: options.onRouteError ?? (() => undefined),
  };
}
