export { GANTRY_VERSION } from '@gantry/settings';

/** The Kong version the Admin API reports: decK and Kong tooling need a 3.x string. */
export const KONG_COMPAT_VERSION = '3.9.0';
