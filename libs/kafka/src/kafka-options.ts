import { KafkaConfig, logLevel } from 'kafkajs';
import type { Logger } from 'pino';
import { pinoLogCreator } from './kafka-log-creator';

export interface KafkaClientOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Give up on a TCP connect after this long; a dead broker must not stall a health check or a write. */
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** Retries kafkajs makes before a call fails; writes are bounded by the caller's own deadline as well. */
  readonly retries?: number;
  readonly logger?: Logger;
}

export function kafkaConfig(options: KafkaClientOptions): KafkaConfig {
  return {
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: options.requestTimeoutMs ?? 10_000,
    // Enforced so a broker that stops answering shows up as a timeout, not a hung promise.
    enforceRequestTimeout: true,
    retry: { retries: options.retries ?? 5, initialRetryTime: 100, maxRetryTime: 2_000 },
    logLevel: logLevel.WARN,
    ...(options.logger ? { logCreator: pinoLogCreator(options.logger) } : {}),
  };
}
