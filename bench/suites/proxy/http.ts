import type { Child } from './child';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

async function get(url: string): Promise<HttpAnswer> {
  const response = await fetch(url);
  return { status: response.status, body: await response.text() };
}

/**
 * Polls GET `url` until `accept` takes the answer. Fails with the last answer (and the child's output) if the
 * child exits or `timeoutMs` passes; `explain` may turn that last answer into a clearer message.
 */
export async function waitForHttp(
  url: string,
  options: {
    readonly child?: Child;
    readonly timeoutMs: number;
    readonly accept: (answer: HttpAnswer) => boolean;
    readonly explain?: (last: HttpAnswer | undefined) => string | undefined;
  },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let last: HttpAnswer | undefined;
  let lastError = 'no answer';
  for (;;) {
    const exit = options.child?.exitDescription();
    if (exit) throw new Error(`${options.child?.name} ${exit}:\n${options.child?.output()}`);
    try {
      last = await get(url);
      if (options.accept(last)) return;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) {
      const lastSeen = last ? `last answer ${last.status}: ${last.body.slice(0, 300)}` : lastError;
      const output = options.child ? `\n${options.child.name} output:\n${options.child.output().slice(-3000)}` : '';
      throw new Error(
        options.explain?.(last) ??
          `GET ${url} was not answered as expected within ${options.timeoutMs} ms (${lastSeen})${output}`,
      );
    }
    await sleep(100);
  }
}

/** POSTs JSON and returns the parsed answer; anything but `expected` (201) throws with the answer. */
export async function postJson(url: string, body: unknown, expected = 201): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expected) throw new Error(`POST ${url} answered ${response.status}: ${text}`);
  return JSON.parse(text) as unknown;
}
