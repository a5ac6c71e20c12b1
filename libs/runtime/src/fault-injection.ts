import type { ConfigLog } from '@gantry/event-log';
import { childLogger } from '@gantry/logging';

/**
 * Fault injection for crash tests (`GANTRY_FAULT_CRASH_AFTER_APPEND=1`): the process dies with SIGKILL right
 * after its first append is durable and before anyone hears about it, the window in which a client cannot
 * tell whether its write happened. Never set it in production.
 */
export function crashAfterAppend(log: ConfigLog): ConfigLog {
  return new Proxy(log, {
    get(target, property, receiver) {
      if (property !== 'append') return Reflect.get(target, property, receiver) as unknown;
      return async (...args: Parameters<ConfigLog['append']>): Promise<number> => {
        const version = await target.append(...args);
        childLogger('fault-injection').warn({ version }, 'crashing after a durable append, as configured');
        process.kill(process.pid, 'SIGKILL');
        return version;
      };
    },
  });
}
