/** Gantry's release (kept in step with package.json by the release process). */
export const GANTRY_VERSION = '0.1.0';
