import type { HealthIndicatorFunction } from '@nestjs/terminus';

/** Injection token for the list of checks an app's `/health` runs: one per dependency it needs. */
export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

export type HealthChecks = readonly HealthIndicatorFunction[];
