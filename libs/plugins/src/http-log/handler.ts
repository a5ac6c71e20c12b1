import { BatchQueue } from '../shared/batch-queue';
import { batchQueueOptions } from '../shared/queue-schema';
import { serializeLog } from '../runtime/log-serializer';
import type {
  PluginDefinition,
  PluginEntityFacts,
  PluginEnvironment,
  PluginHandler,
} from '../runtime/plugin-definition';
import type { PluginRequest } from '../runtime/plugin-request';
import { logPoster } from './log-poster';
import type { HttpPoster } from '../shared/http-poster';
import { httpLogSchema, type HttpLogConfig } from './schema';

/** How long a removed or re-configured instance may take to send what it has queued. */
const CLOSE_WAIT_MS = 5000;

function createHandler(config: HttpLogConfig, env: PluginEnvironment, entity: PluginEntityFacts): PluginHandler {
  let sender: HttpPoster;
  try {
    sender = logPoster(config);
  } catch (error) {
    // A log plugin must never take traffic down: it logs nothing rather than failing requests.
    env.logger.error({ err: error, plugin: 'http-log', id: entity.id }, 'http-log cannot send; logging disabled');
    return {};
  }
  const options = batchQueueOptions(config.queue, {
    batchSize: { value: config.queue_size, oldDefault: 1 },
    delaySeconds: { value: config.flush_timeout, oldDefault: 2 },
  });
  // Kong sends a lone entry as an object, and batches as an array, depending on the configured batch size.
  const single = options.maxBatchSize === 1;
  const queue = new BatchQueue<string>(
    `http-log ${entity.id}`,
    options,
    (batch) => sender.post(single ? batch[0] : `[${batch.join(',')}]`),
    env.logger,
    (entry) => Buffer.byteLength(entry),
  );

  return {
    log(kong: PluginRequest): void {
      queue.add(JSON.stringify(serializeLog(kong)));
    },
    async close(): Promise<void> {
      await queue.close(CLOSE_WAIT_MS);
      sender.close();
    },
  };
}

/** Sends every request's log record, in batches, to an HTTP endpoint. */
export const httpLog: PluginDefinition<HttpLogConfig> = {
  name: 'http-log',
  priority: 12,
  version: '3.9.0',
  schema: httpLogSchema,
  create: createHandler,
};
