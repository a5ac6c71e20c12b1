export * from './balancer-registry';
export { systemClock, type Clock, type TimerHandle } from './clock';
export * from './dns/dns-resolver';
export { LOOKUP_TTL_SECONDS, systemResolve, type DnsRecord, type ResolveFunction } from './dns/system-resolve';
export * from './errors';
export { healthchecksEnabled } from './settings/healthcheck-settings';
export { ManualClock } from './testing/manual-clock';
export * from './types';
export { UpstreamBalancer } from './upstream-balancer';
