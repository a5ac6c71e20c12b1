import { measureAppends, type AppendBenchResult } from '../../../libs/event-log/src/measure-appends.bench';

/**
 * `count` POSTs of a fresh consumer from `concurrency` callers (Node's fetch keeps connections alive); each must
 * answer 201, an acknowledged and folded write, or the run fails.
 */
export async function measureHttpWrites(
  url: string,
  options: { concurrency: number; count: number; prefix: string },
): Promise<AppendBenchResult> {
  let n = 0;
  return measureAppends(
    async () => {
      const body = JSON.stringify({ username: `${options.prefix}-${n++}`, tags: ['bench'] });
      const answer = await fetch(`${url}/consumers`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      });
      const text = await answer.text();
      if (answer.status !== 201) throw new Error(`POST /consumers answered ${answer.status}: ${text}`);
      return 0;
    },
    { concurrency: options.concurrency, count: options.count },
  );
}
