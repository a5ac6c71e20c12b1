import { Inject, Injectable, OnApplicationShutdown, Optional } from '@nestjs/common';
import { CassandraConnection } from '@gantry/cassandra';
import { KafkaConnection } from '@gantry/kafka';
import { childLogger } from '@gantry/logging';
import type { Settings } from '@gantry/settings';
import { CONFIG_PLANE_OWNED, SETTINGS } from './tokens';

export function createKafkaConnection(settings: Settings): KafkaConnection {
  const connection = new KafkaConnection({
    brokers: settings.kafka.brokers,
    clientId: `${settings.kafka.clientId}-${settings.nodeId}`,
    logger: childLogger('kafka'),
  });
  // Boot does not wait for Kafka: a process whose broker is down still starts and says so on /health.
  connection.startProbe();
  return connection;
}

export function createCassandraConnection(settings: Settings): CassandraConnection {
  const logger = childLogger('cassandra');
  const connection = new CassandraConnection({
    contactPoints: settings.cassandra.contactPoints,
    localDataCenter: settings.cassandra.localDataCenter,
    logger,
  });
  connectUntilClosed(connection, logger);
  return connection;
}

/** The driver gives up after a failed first connect, so keep trying in the background. */
function connectUntilClosed(connection: CassandraConnection, logger: ReturnType<typeof childLogger>): void {
  let delay = 500;
  const attempt = (): void => {
    connection.connect().then(
      () => logger.info('cassandra connected'),
      (error: unknown) => {
        if (connection.isClosed()) return;
        logger.warn({ err: error, retryInMs: delay }, 'cassandra not reachable yet');
        setTimeout(attempt, delay).unref();
        delay = Math.min(delay * 2, 10_000);
      },
    );
  };
  attempt();
}

/** Closes whichever backend connections this process opened, once, on shutdown. */
@Injectable()
export class BackendsLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(SETTINGS) readonly settings: Settings,
    @Inject(CONFIG_PLANE_OWNED) private readonly owned: boolean,
    @Optional() private readonly kafka?: KafkaConnection,
    @Optional() private readonly cassandra?: CassandraConnection,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    // Connections of a shared plane belong to the plane's creator.
    if (!this.owned) return;
    await Promise.allSettled([this.kafka?.close(), this.cassandra?.close()]);
  }
}
