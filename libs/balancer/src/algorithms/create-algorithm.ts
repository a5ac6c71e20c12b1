import type { Clock } from '../clock';
import type { UpstreamSettings } from '../settings/upstream-settings';
import type { BalancerLogger } from '../types';
import type { BalancingAlgorithm } from './algorithm';
import { ConsistentHashing } from './consistent-hashing';
import { Latency } from './latency';
import { LeastConnections } from './least-connections';
import { RoundRobin } from './round-robin';

export function createAlgorithm(settings: UpstreamSettings, clock: Clock, logger?: BalancerLogger): BalancingAlgorithm {
  switch (settings.algorithm) {
    case 'round-robin':
      return new RoundRobin();
    case 'consistent-hashing':
      return new ConsistentHashing(settings.slots, logger);
    case 'least-connections':
      return new LeastConnections();
    case 'latency':
      return new Latency(() => clock.now());
  }
}
