import { ChainKeys } from './chain-keys';
import { expectedEventColumns } from './event-columns';
import { EventChain } from './event-chain';
import { MemoryChainSource, ed25519Pem, mixedRecords } from './testing/chain-fixtures';
import { verifyChain } from './verify-chain';

const records = mixedRecords(30);
const unsigned = new EventChain();
const { privatePem, publicPem } = ed25519Pem();
const signing = new EventChain(ChainKeys.load({ signingKey: privatePem }));
const verifying = ChainKeys.load({ verifyKey: publicPem });

/** The same value with one character changed: what a tamperer with write access to the store would do. */
function tampered(value: Buffer): Buffer {
  return Buffer.from(value.toString('utf8').replace('"actor":"test"', '"actor":"evil"').replace('not', 'NOT'));
}

describe('verifyChain', () => {
  it('passes an intact chain, whole or by range, and reports the last hash', async () => {
    const source = MemoryChainSource.linked(unsigned, records);
    const whole = await verifyChain(source, ChainKeys.none());
    expect(whole).toEqual({
      valid: true,
      from: 1,
      to: 30,
      checked: 30,
      first_broken: null,
      signed: false,
      last_hash: source.entries[29].link!.hash,
    });
    expect(await verifyChain(source, ChainKeys.none(), { from: 11, to: 20 })).toMatchObject({
      valid: true,
      from: 11,
      to: 20,
      checked: 10,
      last_hash: source.entries[19].link!.hash,
    });
    // `to` beyond what is stored is lowered to the head; a range past it checks nothing.
    expect(await verifyChain(source, ChainKeys.none(), { from: 25, to: 99 })).toMatchObject({ to: 30, checked: 6 });
    expect(await verifyChain(source, ChainKeys.none(), { from: 40 })).toMatchObject({ valid: true, checked: 0 });
  });

  it('names a record whose value was rewritten (hash mismatch)', async () => {
    const source = MemoryChainSource.linked(unsigned, records);
    const stored = source.entries[11].link!.hash;
    source.alter(12, (e) => ({ ...e, record: { ...e.record!, value: tampered(e.record!.value) } }));
    const report = await verifyChain(source, ChainKeys.none());
    expect(report).toMatchObject({ valid: false, checked: 11, last_hash: null });
    expect(report.first_broken).toMatchObject({ version: 12, reason: 'hash_mismatch', actual: stored });
    expect(report.first_broken?.expected).not.toBe(stored);
  });

  it('names the link after a record whose value and hash were both rewritten (prev link mismatch)', async () => {
    const source = MemoryChainSource.linked(unsigned, records);
    source.alter(5, (e) => {
      const record = { ...e.record!, value: tampered(e.record!.value) };
      // A thorough tamperer also rewrites the query columns to match.
      const columns = expectedEventColumns(record);
      return { ...e, record, columns, link: { ...unsigned.link(record, e.link!.prevHash!) } };
    });
    const report = await verifyChain(source, ChainKeys.none());
    expect(report.first_broken).toMatchObject({
      version: 6,
      reason: 'prev_link_mismatch',
      expected: source.entries[4].link!.hash,
      actual: source.entries[5].link!.prevHash,
    });
  });

  it('with a verify key, names a link recomputed without the signing key (bad signature)', async () => {
    const source = MemoryChainSource.linked(signing, records);
    expect(await verifyChain(source, verifying)).toMatchObject({ valid: true, signed: true, checked: 30 });
    // The whole rest of the chain recomputed: hashes agree, but the forger cannot sign.
    const forged = MemoryChainSource.linked(unsigned, [
      ...records.slice(0, 8),
      { ...records[8], value: tampered(records[8].value) },
      ...records.slice(9),
    ]);
    forged.entries.splice(0, 8, ...source.entries.slice(0, 8));
    expect(await verifyChain(forged, ChainKeys.none())).toMatchObject({ valid: true });
    expect((await verifyChain(forged, verifying)).first_broken).toMatchObject({
      version: 9,
      reason: 'bad_signature',
      actual: null,
    });
    source.alter(3, (e) => ({ ...e, link: { ...e.link!, signature: source.entries[3].link!.signature } }));
    expect((await verifyChain(source, verifying)).first_broken).toMatchObject({ version: 3, reason: 'bad_signature' });
  });

  it('names a missing record, inside the range, at its end, and as the anchor of a range', async () => {
    const source = MemoryChainSource.linked(unsigned, records);
    source.alter(17, () => null);
    expect((await verifyChain(source, ChainKeys.none())).first_broken).toEqual({
      version: 17,
      reason: 'missing_record',
      expected: 'version 17',
      actual: null,
    });
    expect((await verifyChain(source, ChainKeys.none(), { from: 18 })).first_broken).toMatchObject({
      version: 17,
      reason: 'missing_record',
    });
    source.alter(30, () => null);
    source.entries.push({ ...source.entries[28], version: 31 }); // the head claims 31 but 30 is gone
    expect((await verifyChain(source, ChainKeys.none(), { from: 20 })).first_broken).toMatchObject({
      version: 30,
      reason: 'missing_record',
    });
  });

  it('names a record stored without a link (missing link)', async () => {
    const source = MemoryChainSource.linked(unsigned, records);
    source.alter(2, (e) => ({ ...e, link: null }));
    expect((await verifyChain(source, ChainKeys.none())).first_broken).toMatchObject({
      version: 2,
      reason: 'missing_link',
      expected: unsigned.link(records[1], source.entries[0].link!.hash!).hash,
      actual: null,
    });
  });

  it('names a query column that disagrees with the value blob (metadata mismatch)', async () => {
    const source = MemoryChainSource.linked(unsigned, records);
    source.alter(4, (e) => ({ ...e, columns: { ...e.columns, actor: 'someone-else' } }));
    expect((await verifyChain(source, ChainKeys.none())).first_broken).toEqual({
      version: 4,
      reason: 'metadata_mismatch',
      field: 'actor',
      expected: 'test',
      actual: 'someone-else',
    });
    // The undecodable record's columns are the fold's placeholder, checked the same way.
    const undecodable = records.find((r) => r.value.toString().startsWith('{"not"'))!.version;
    source.alter(4, (e) => ({ ...e, columns: { ...e.columns, actor: 'test' } }));
    source.alter(undecodable, (e) => ({ ...e, columns: { ...e.columns, event_id: 'x' } }));
    expect((await verifyChain(source, ChainKeys.none())).first_broken).toMatchObject({
      version: undecodable,
      field: 'event_id',
      expected: `undecodable-${undecodable}`,
    });
  });

  it('rejects a range that is not made of versions, naming the field', async () => {
    const source = MemoryChainSource.linked(unsigned, records);
    await expect(verifyChain(source, ChainKeys.none(), { from: 0 })).rejects.toMatchObject({
      code: 'GANTRY_AUDIT_RANGE_INVALID',
      field: 'from',
    });
    await expect(verifyChain(source, ChainKeys.none(), { to: 1.5 })).rejects.toMatchObject({ field: 'to' });
    await expect(verifyChain(source, ChainKeys.none(), { from: 5, to: 4 })).rejects.toMatchObject({ field: 'from' });
  });
});
