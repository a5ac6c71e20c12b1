import { Controller, Get, Header, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ProxyStatus } from './proxy-status';

/**
 * The status port of a replica (Kong's `status_listen`): readiness for load balancers, the replica's place in
 * the config log, and Prometheus metrics. Served by Nest, away from the gateway's request path.
 */
@Controller('status')
export class StatusController {
  constructor(@Inject(ProxyStatus) private readonly status: ProxyStatus) {}

  @Get()
  describe(): Record<string, unknown> {
    return this.status.describe();
  }

  /** 200 once the replica has loaded the config and caught up with the log; stays 200 through backend outages. */
  @Get('ready')
  ready(): { message: string } {
    const reason = this.status.notReadyReason();
    if (reason !== null) throw new ServiceUnavailableException({ message: reason });
    return { message: 'ready' };
  }
}

@Controller()
export class MetricsController {
  constructor(@Inject(ProxyStatus) private readonly status: ProxyStatus) {}

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.status.metricsText();
  }
}
