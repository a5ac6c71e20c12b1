/* eslint-disable @typescript-eslint/no-explicit-any -- replies are JSON checked by assertions */
import { ChainKeys, ChainVerifier, EventChain } from '@gantry/audit';
import {
  MemoryChainSource,
  ed25519Pem,
  mixedRecords,
} from '../../../../../libs/audit/src/chain/testing/chain-fixtures';
import { ApiHarness } from '../../testing/api-harness';

const { privatePem, publicPem } = ed25519Pem();
const signing = new EventChain(ChainKeys.load({ signingKey: privatePem }));

function setup() {
  const source = MemoryChainSource.linked(signing, mixedRecords(12));
  const h = new ApiHarness({ auditChain: new ChainVerifier(source, ChainKeys.load({ verifyKey: publicPem })) });
  const call = async (url: string): Promise<{ status: number; body: any }> => {
    const { status, body } = await h.call('GET', url);
    return { status, body };
  };
  return { source, call };
}

describe('GET /audit/verify', () => {
  it('answers the whole chain, or a range, as valid and signed', async () => {
    const { source, call } = setup();
    expect(await call('/audit/verify')).toEqual({
      status: 200,
      body: {
        valid: true,
        from: 1,
        to: 12,
        checked: 12,
        first_broken: null,
        signed: true,
        last_hash: source.entries[11].link!.hash,
      },
    });
    expect((await call('/audit/verify?from=4&to=9')).body).toMatchObject({ valid: true, from: 4, to: 9, checked: 6 });
  });

  it('names the first broken link', async () => {
    const { source, call } = setup();
    source.alter(8, (e) => ({ ...e, record: { ...e.record!, value: Buffer.from('{"tampered":true}') } }));
    const { status, body } = await call('/audit/verify?to=10');
    expect(status).toBe(200);
    expect(body).toMatchObject({ valid: false, from: 1, to: 10, checked: 7, last_hash: null });
    expect(body.first_broken).toEqual({
      version: 8,
      reason: 'hash_mismatch',
      expected: expect.stringMatching(/^[0-9a-f]{64}$/),
      actual: source.entries[7].link!.hash,
    });
  });

  it('answers 400 naming the field for a bad from or to', async () => {
    const { call } = setup();
    for (const [query, field] of [
      ['from=0', 'from'],
      ['from=abc', 'from'],
      ['to=-3', 'to'],
      ['to=1.5', 'to'],
      ['from=5&to=2', 'from'],
    ]) {
      const { status, body } = await call(`/audit/verify?${query}`);
      expect([query, status, body.name, Object.keys(body.fields as object)]).toEqual([
        query,
        400,
        'schema violation',
        [field],
      ]);
    }
  });

  it('answers 501 without a chain and 503 when the history cannot be read', async () => {
    expect((await new ApiHarness().call('GET', '/audit/verify')).status).toBe(501);
    const failing = new ApiHarness({
      auditChain: { verify: () => Promise.reject(new Error('Cassandra is down')) },
    });
    const reply = await failing.call('GET', '/audit/verify');
    expect([reply.status, (reply.body as any).message]).toEqual([
      503,
      'The audit history cannot be read: Cassandra is down',
    ]);
  });
});
