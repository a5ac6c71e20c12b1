import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { generate } from 'selfsigned';
import { ConsulSource } from './consul-source';
import { FakeConsul } from './testing/fake-consul';
import { eventually, RecordingSink } from './testing/recording-sink';

type Pems = Awaited<ReturnType<typeof generate>>;

function certificate(commonName: string, issuer: Pems | null): Promise<Pems> {
  return generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ...(issuer === null ? {} : { ca: { key: issuer.private, cert: issuer.cert } }),
    extensions:
      issuer === null
        ? [
            { name: 'basicConstraints', cA: true, critical: true },
            { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
          ]
        : [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
}

describe('ConsulSource over TLS', () => {
  let consul: FakeConsul;
  let source: ConsulSource | undefined;
  let dir: string;
  let ca: Pems;
  let server: Pems;
  let client: Pems;
  let address: string;

  beforeAll(async () => {
    ca = await certificate('consul test CA', null);
    server = await certificate('server.dc1.consul', ca);
    client = await certificate('gantry discovery', ca);
    dir = mkdtempSync(join(tmpdir(), 'consul-tls-'));
    writeFileSync(join(dir, 'ca.pem'), ca.cert);
    writeFileSync(join(dir, 'client.pem'), client.cert);
    writeFileSync(join(dir, 'client-key.pem'), client.private);
  });

  beforeEach(async () => {
    consul = new FakeConsul();
    // verify_incoming: Consul asks for a client certificate signed by its CA.
    address = await consul.start({
      key: server.private,
      cert: server.cert,
      ca: ca.cert,
      requestCert: true,
      rejectUnauthorized: true,
    });
    consul.register({ service: 'web', id: 'w1', address: '10.0.0.1', port: 80, tags: ['gantry.upstream=web'] });
  });

  afterEach(async () => {
    await source?.stop();
    source = undefined;
    await consul.close();
  });

  function start(tls: ConstructorParameters<typeof ConsulSource>[0]['tls']): Promise<void> {
    source = new ConsulSource({ datacenter: 'dc1', address, tls, logger: pino({ level: 'silent' }) });
    return source.start(new RecordingSink());
  }

  it('verifies Consul against the CA file and presents the client certificate', async () => {
    await start({
      caFile: join(dir, 'ca.pem'),
      certFile: join(dir, 'client.pem'),
      keyFile: join(dir, 'client-key.pem'),
    });
    expect(source!.status()).toMatchObject({ synced: true, instances: 1, lastError: null });
  });

  it('refuses a Consul its CA did not sign', async () => {
    await start({ certFile: join(dir, 'client.pem'), keyFile: join(dir, 'client-key.pem') });
    expect(source!.status()).toMatchObject({ synced: false, lastError: { code: 'GANTRY_CONSUL_UNREACHABLE' } });
    expect(source!.status().lastError?.message).toMatch(/certificate/i);
  });

  it('is refused without a client certificate when Consul verifies clients', async () => {
    await start({ caFile: join(dir, 'ca.pem') });
    await eventually('the refusal', () => source!.status().lastError !== null);
    expect(source!.status()).toMatchObject({ synced: false, lastError: { code: 'GANTRY_CONSUL_UNREACHABLE' } });
  });
});
