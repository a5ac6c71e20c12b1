import { LRUCache } from 'lru-cache';
import { checkSync } from 'recheck';

/** How long one check may take; a regex recheck cannot prove safe in this time is rejected. */
export const REGEX_CHECK_TIMEOUT_MS = 2_000;

/** The steepest polynomial backtracking accepted; the router bounds its cost by the subject length. */
export const MAX_POLYNOMIAL_DEGREE = 2;

/** Verdicts are cached (by flags and source), so re-validating a config does not re-analyse its regexes. */
const verdicts = new LRUCache<string, { reason: string | null }>({ max: 2_000 });

function analyse(source: string, flags: string): string | null {
  const diagnostics = checkSync(source, flags, { timeout: REGEX_CHECK_TIMEOUT_MS });
  switch (diagnostics.status) {
    case 'safe':
      return null;
    case 'vulnerable':
      // Quadratic patterns such as `~/api/(.*)/items/(.*)$` are common in Kong configs; the router's bound on the
      // subject length (4 KiB) caps them at a few milliseconds, so they are accepted. Anything steeper is not.
      if (diagnostics.complexity.type === 'polynomial' && diagnostics.complexity.degree <= MAX_POLYNOMIAL_DEGREE) {
        return null;
      }
      return `may backtrack catastrophically; ${diagnostics.complexity.summary} worst-case time`;
    case 'unknown':
      return diagnostics.error.kind === 'timeout'
        ? `could not be proven safe from catastrophic backtracking within ${REGEX_CHECK_TIMEOUT_MS} ms; simplify it`
        : `could not be checked for catastrophic backtracking: ${'message' in diagnostics.error ? diagnostics.error.message : diagnostics.error.kind}`;
  }
}

/**
 * Why a regex that compiles must still be refused, or undefined when it is safe: the router runs regexes on a
 * backtracking engine (JS), where a pattern such as `(a+)+$` can block the event loop on a crafted request.
 * Checked with recheck (automaton analysis or fuzzing); exponential and cubic-or-worse verdicts and 'unknown' are refused; quadratic ones are accepted because the
 * router never runs a regex on more than 4 KiB.
 */
export function backtrackingRisk(source: string, flags: string): string | undefined {
  const key = `${flags}/${source}`;
  let verdict = verdicts.get(key);
  if (verdict === undefined) {
    verdict = { reason: analyse(source, flags) };
    verdicts.set(key, verdict);
  }
  return verdict.reason ?? undefined;
}
