import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { KafkaHealth } from '@gantry/kafka';

/** Reports the state the Kafka client already tracks; it sends nothing to the broker itself. */
@Injectable()
export class KafkaHealthIndicator {
  constructor(private readonly indicators: HealthIndicatorService) {}

  check(key: string, source: { health(): KafkaHealth }): HealthIndicatorResult {
    const health = source.health();
    const session = this.indicators.check(key);
    const details = {
      brokers: health.brokers.join(','),
      lastOkAt: health.lastOkAt === null ? null : new Date(health.lastOkAt).toISOString(),
    };
    return health.up ? session.up(details) : session.down({ ...details, message: health.lastError ?? 'unreachable' });
  }
}
