/** The fixed answer of the benchmark upstream (text/plain): small, so the cases measure proxying, not copying. */
export const UPSTREAM_BODY = 'hello from the bench upstream\n';
