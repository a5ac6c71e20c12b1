import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleInChild } from './replay-child';
import { writeChurnLog } from './source-log';

describe('a replay sample in a process of its own', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gantry-replay-child-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('replays and copies the whole source, and two replays of one log end in the same state', async () => {
    const source = await writeChurnLog(join(dir, 'source'), 300);
    const first = await sampleInChild('replay', source, join(dir, 'replayed-1'));
    const second = await sampleInChild('replay', source, join(dir, 'replayed-2'));
    const copy = await sampleInChild('copy', source, join(dir, 'copied'));
    expect(first.version).toBe(300);
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(second.hash).toBe(first.hash);
    expect(first.loopSeconds).toBeLessThanOrEqual(first.seconds);
    expect(copy).toMatchObject({ version: 300, hash: null });
  }, 120_000);

  it('fails when the child fails (a source without the events asked for)', async () => {
    const missing = { dataDir: join(dir, 'missing'), events: 10, services: [] };
    await expect(sampleInChild('replay', missing, join(dir, 'nowhere'))).rejects.toThrow(/exited|before it was ready/);
  }, 60_000);
});
