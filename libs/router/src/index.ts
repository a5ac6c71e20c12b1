export { RouterError, type RouterErrorCode } from './errors';
export { normalizeRequestPath } from './normalize-path';
export { DEFAULT_CACHE_SIZE, DEFAULT_MAX_CACHE_KEY_LENGTH, DEFAULT_MAX_REGEX_SUBJECT_LENGTH } from './options';
export { Router } from './router';
export type {
  CompiledRoute,
  HeaderRule,
  HostRule,
  RequestFacts,
  RouteCaptures,
  RouteMatch,
  RouterOptions,
} from './types';
export { escapeUpstreamPath, upstreamPath } from './upstream-path';
