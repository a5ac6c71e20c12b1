/** Gantry's release (kept in step with package.json by the release process). */
export const GANTRY_VERSION = '0.1.0';

/** The Kong version the Admin API reports: decK and Kong tooling need a 3.x string. */
export const KONG_COMPAT_VERSION = '3.9.0';
