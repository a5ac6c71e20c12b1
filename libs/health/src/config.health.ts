import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';

/** What the config plane reports about this process's fold of the log. */
export interface ConfigHealthSource {
  readonly ready: boolean;
  readonly version: number;
  readonly lag: number;
  readonly lastError: string | null;
}

/** Up once the process has loaded the configuration (snapshot plus log) and while its tail keeps up. */
@Injectable()
export class ConfigHealthIndicator {
  constructor(private readonly indicators: HealthIndicatorService) {}

  check(key: string, source: { configHealth(): ConfigHealthSource }): HealthIndicatorResult {
    const health = source.configHealth();
    const session = this.indicators.check(key);
    const details = { version: health.version, lag: health.lag };
    if (health.ready && health.lastError === null) return session.up(details);
    return session.down({ ...details, message: health.lastError ?? 'configuration not loaded yet' });
  }
}
