import { LogEntry, logCreator, logLevel } from 'kafkajs';
import type { Logger } from 'pino';

const LEVELS: Record<logLevel, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.NOTHING]: 'debug',
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** kafkajs logs through pino, so broker trouble shows up in the same stream as the app's. */
export function pinoLogCreator(logger: Logger): logCreator {
  return () =>
    ({ level, log, namespace }: LogEntry) => {
      const { message, ...extra } = log;
      logger[LEVELS[level]]({ namespace, ...extra }, message);
    };
}
