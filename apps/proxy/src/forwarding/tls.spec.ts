import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { generate } from 'selfsigned';
import { ServiceForwarder } from './service-forwarder';
import { ListPeers, type Listening, json, listen, peer, send, serviceEntity, startGateway } from './testing/fixtures';
import type { ServiceTls } from './types';

type Pems = Awaited<ReturnType<typeof generate>>;

const CA_EXTENSIONS = [
  { name: 'basicConstraints' as const, cA: true, critical: true },
  { name: 'keyUsage' as const, keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
];

function certificate(commonName: string, issuer: Pems | null, isCa: boolean): Promise<Pems> {
  return generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ...(issuer !== null ? { ca: { key: issuer.private, cert: issuer.cert } } : {}),
    extensions: isCa
      ? CA_EXTENSIONS
      : [
          {
            name: 'subjectAltName',
            altNames: [
              { type: 2, value: 'localhost' },
              { type: 7, ip: '127.0.0.1' },
            ],
          },
        ],
  });
}

function chain(...pems: Pems[]): string {
  return pems.map((p) => p.cert.trimEnd()).join('\n') + '\n';
}

describe('ServiceForwarder over TLS', () => {
  let root: Pems;
  let otherRoot: Pems;
  let intermediate: Pems;
  let direct: Listening;
  let chained: Listening;
  let mutual: Listening;
  let client: Pems;
  let gateway: Listening | undefined;
  let forwarder: ServiceForwarder | undefined;

  beforeAll(async () => {
    root = await certificate('Gantry Test Root', null, true);
    otherRoot = await certificate('Someone Else', null, true);
    intermediate = await certificate('Gantry Test Intermediate', root, true);
    const leaf = await certificate('localhost', root, false);
    const deepLeaf = await certificate('localhost', intermediate, false);
    client = await certificate('gantry-client', root, false);
    const answer = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void => {
      const socket = req.socket as TLSSocket;
      const peerCert = socket.getPeerCertificate();
      res.end(JSON.stringify({ servername: socket.servername ?? null, client: peerCert?.subject?.CN ?? null }));
    };
    direct = await listen(createHttpsServer({ key: leaf.private, cert: leaf.cert }, answer));
    chained = await listen(createHttpsServer({ key: deepLeaf.private, cert: chain(deepLeaf, intermediate) }, answer));
    mutual = await listen(
      createHttpsServer(
        { key: leaf.private, cert: leaf.cert, ca: [root.cert], requestCert: true, rejectUnauthorized: true },
        answer,
      ),
    );
  });
  afterAll(async () => {
    await direct.close();
    await chained.close();
    await mutual.close();
  });
  afterEach(async () => {
    await gateway?.close();
    forwarder?.close();
    gateway = undefined;
    forwarder = undefined;
  });

  async function call(
    upstream: Listening,
    service: Record<string, unknown>,
    tls: ServiceTls,
    options: { tlsVerifyDefault?: boolean; host?: string } = {},
  ): Promise<{ status: number; body: Record<string, unknown>; peers: ListPeers }> {
    const peers = new ListPeers([peer(upstream.port, options.host ?? 'localhost')]);
    forwarder = new ServiceForwarder(serviceEntity({ protocol: 'https', retries: 0, ...service }), tls, {
      serverToken: 'gantry/test',
      tlsVerifyDefault: options.tlsVerifyDefault,
    });
    gateway = await startGateway(forwarder, () => ({ peers }));
    const reply = await send(gateway.port);
    return { status: reply.status, body: json(reply), peers };
  }

  it('verifies against the service CA and sends the Host name as SNI', async () => {
    const result = await call(direct, { tls_verify: true }, { caCertificates: [root.cert] });
    expect(result.status).toBe(200);
    expect(result.body.servername).toBe('localhost');
  });

  it('answers 502 when verification is on and the CA does not match', async () => {
    const result = await call(direct, { tls_verify: true }, { caCertificates: [otherRoot.cert] });
    expect(result.status).toBe(502);
    await result.peers.settled(1);
    expect(result.peers.outcomes()).toEqual([{ kind: 'tcp-error' }]);
  });

  it('does not verify when tls_verify is off', async () => {
    const result = await call(direct, { tls_verify: false }, { caCertificates: [otherRoot.cert] });
    expect(result.status).toBe(200);
  });

  it("follows Kong's default (no verification) when tls_verify is null, unless configured otherwise", async () => {
    expect((await call(direct, { tls_verify: null }, { caCertificates: [] })).status).toBe(200);
    await gateway!.close();
    forwarder!.close();
    expect((await call(direct, { tls_verify: null }, { caCertificates: [] }, { tlsVerifyDefault: true })).status).toBe(
      502,
    );
  });

  it('sends no SNI to an upstream addressed by IP, and still verifies its IP SAN', async () => {
    const result = await call(direct, { tls_verify: true }, { caCertificates: [root.cert] }, { host: '127.0.0.1' });
    expect(result.status).toBe(200);
    expect(result.body.servername).toBeFalsy();
  });

  it("enforces tls_verify_depth, nginx's default of 1 intermediate when null", async () => {
    expect((await call(chained, { tls_verify: true }, { caCertificates: [root.cert] })).status).toBe(200);
    await gateway!.close();
    forwarder!.close();
    expect(
      (await call(chained, { tls_verify: true, tls_verify_depth: 0 }, { caCertificates: [root.cert] })).status,
    ).toBe(502);
  });

  it('presents the client certificate to an upstream that requires one', async () => {
    const result = await call(
      mutual,
      { tls_verify: true },
      { caCertificates: [root.cert], clientCertificate: { cert: client.cert, key: client.private } },
    );
    expect(result.status).toBe(200);
    expect(result.body.client).toBe('gantry-client');
  });
});
