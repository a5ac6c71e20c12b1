import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { CassandraHealth } from '@gantry/cassandra';

/** Reads the driver's pool state (connected hosts, open connections); no query per check. */
@Injectable()
export class CassandraHealthIndicator {
  constructor(private readonly indicators: HealthIndicatorService) {}

  check(key: string, source: { health(): CassandraHealth }): HealthIndicatorResult {
    const health = source.health();
    const session = this.indicators.check(key);
    const details = {
      localDataCenter: health.localDataCenter,
      hosts: health.connectedHosts.join(','),
      openConnections: health.openConnections,
    };
    return health.up ? session.up(details) : session.down({ ...details, message: health.lastError ?? 'unreachable' });
  }
}
