import type { CheckLimits } from '../settings/healthcheck-settings';
import type { Outcome } from '../types';
import type { HealthReport } from './health-counters';
import type { ProbeResult } from './probes';

/** A report and the limit of the counter it drives; null when the observation counts for nothing. */
export interface Classified {
  readonly report: HealthReport;
  readonly limit: number;
}

function byStatus(status: number, limits: CheckLimits): Classified | null {
  if (limits.healthyStatuses.has(status)) return { report: 'success', limit: limits.successes };
  if (status === 0 || limits.unhealthyStatuses.has(status)) return { report: 'http', limit: limits.httpFailures };
  return null;
}

/** How a proxied request counts for passive checks (statuses in neither list are ignored, as in Kong). */
export function classifyOutcome(outcome: Outcome, limits: CheckLimits): Classified | null {
  switch (outcome.kind) {
    case 'response':
      return byStatus(outcome.status, limits);
    case 'timeout':
      return { report: 'timeout', limit: limits.timeouts };
    case 'tcp-error':
      return { report: 'tcp', limit: limits.tcpFailures };
  }
}

/** How an active probe counts. */
export function classifyProbe(result: ProbeResult, limits: CheckLimits): Classified | null {
  switch (result.kind) {
    case 'connected':
      return { report: 'success', limit: limits.successes };
    case 'status':
      return byStatus(result.status, limits);
    case 'timeout':
      return { report: 'timeout', limit: limits.timeouts };
    case 'tcp-error':
      return { report: 'tcp', limit: limits.tcpFailures };
    case 'aborted':
      return null;
  }
}

/** Whether a half-open trial failed: the request hit a passive failure condition. */
export function trialFailed(outcome: Outcome, limits: CheckLimits): boolean {
  return outcome.kind !== 'response' || outcome.status === 0 || limits.unhealthyStatuses.has(outcome.status);
}
