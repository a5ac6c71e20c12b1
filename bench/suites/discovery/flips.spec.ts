import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FlipError, measureFlips, type Flip } from './flips';

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => new Promise<void>((resolve) => (s.closeAllConnections(), s.close(() => resolve())))),
  );
});

/**
 * A fake proxy alternating between instances `a` and `b` (smooth round-robin over two equal weights), and a flip
 * that takes `a` out of rotation (or puts it back) once the proxy has served `lag` more requests, as a config
 * change reaching the proxy a little after it was asked for would.
 */
async function fakeProxy(options: { lag?: number; status?: number } = {}): Promise<{ url: string; flip: Flip }> {
  let victimIn = true;
  let turn = 0;
  let pending: { value: boolean; after: number; done: () => void } | undefined;
  const server = createServer((_req, res) => {
    if (options.status !== undefined) return void res.writeHead(options.status).end('bad gateway');
    if (pending !== undefined && pending.after-- <= 0) {
      victimIn = pending.value;
      turn = 0;
      pending.done();
      pending = undefined;
    }
    const body = victimIn && turn++ % 2 === 0 ? 'a' : 'b';
    res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const change = (value: boolean) => () =>
    new Promise<void>((resolve) => (pending = { value, after: options.lag ?? 6, done: resolve }));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    flip: { takeOut: change(false), putBack: change(true) },
  };
}

describe('measureFlips', () => {
  it('flips the victim out and back as often as asked, and reports ordered percentiles', async () => {
    const { url, flip } = await fakeProxy({ lag: 6 });
    const flips: number[] = [];
    const figures = await measureFlips(
      { proxyUrl: url, path: '/', victim: 'a', others: ['b'], flips: 5, settleMs: 1, onFlip: (i) => flips.push(i) },
      flip,
    );
    expect(flips).toEqual([0, 1, 2, 3, 4]);
    expect(figures.outP50Ms).toBeGreaterThan(0);
    expect(figures.backP50Ms).toBeGreaterThan(0);
    expect(figures.backP50Ms).toBeLessThanOrEqual(figures.backP99Ms);
    expect(figures.outP50Ms).toBeLessThanOrEqual(figures.outP99Ms);
    expect(figures.outP99Ms).toBeLessThanOrEqual(figures.outMaxMs);
  });

  it('fails with the diagnosis when the victim never leaves', async () => {
    const { url } = await fakeProxy();
    const never: Flip = { takeOut: () => Promise.resolve(), putBack: () => Promise.resolve() };
    const run = measureFlips(
      {
        proxyUrl: url,
        path: '/',
        victim: 'a',
        others: ['b'],
        flips: 1,
        settleMs: 1,
        timeoutMs: 100,
        diagnose: () => Promise.resolve('targets: a, b'),
      },
      never,
    );
    await expect(run).rejects.toThrow(FlipError);
    await expect(run).rejects.toThrow(/taking a out: not seen through the proxy 100 ms after[\s\S]*targets: a, b/);
  });

  it('fails on an answer that is no instance of the upstream', async () => {
    const { url, flip } = await fakeProxy({ status: 502 });
    await expect(
      measureFlips({ proxyUrl: url, path: '/', victim: 'a', others: ['b'], flips: 1, settleMs: 1 }, flip),
    ).rejects.toThrow('the proxy answered 502');
  });

  it('fails when the change itself is refused', async () => {
    const { url, flip } = await fakeProxy();
    const refused: Flip = { ...flip, takeOut: () => flip.takeOut().then(() => Promise.reject(new Error('403'))) };
    await expect(
      measureFlips({ proxyUrl: url, path: '/', victim: 'a', others: ['b'], flips: 1, settleMs: 1 }, refused),
    ).rejects.toThrow('403');
  });
});
