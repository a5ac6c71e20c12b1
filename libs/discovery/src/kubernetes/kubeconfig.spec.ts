import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { loadKubeconfig } from './kubeconfig';

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeconfig-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(doc: unknown): string {
  const file = path.join(dir, `config-${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(file, stringify(doc));
  return file;
}

const config = {
  clusters: [
    { name: 'prod', cluster: { server: 'https://10.0.0.1:6443/', 'certificate-authority': 'ca.crt' } },
    { name: 'dev', cluster: { server: 'https://dev:6443', 'certificate-authority-data': 'Q0E=' } },
  ],
  users: [
    { name: 'admin', user: { token: 't0k' } },
    { name: 'robot', user: { 'client-certificate-data': 'Q0VSVA==', 'client-key-data': 'S0VZ' } },
    { name: 'plugin', user: { exec: { command: 'aws' } } },
  ],
  contexts: [
    { name: 'prod-admin', context: { cluster: 'prod', user: 'admin' } },
    { name: 'dev-robot', context: { cluster: 'dev', user: 'robot' } },
    { name: 'dev-plugin', context: { cluster: 'dev', user: 'plugin' } },
  ],
  'current-context': 'prod-admin',
};

describe('loadKubeconfig', () => {
  it('reads the current context, a CA file relative to the kubeconfig, and a token', () => {
    fs.writeFileSync(path.join(dir, 'ca.crt'), 'PEM');
    const access = loadKubeconfig(write(config));
    expect(access).toMatchObject({ clusterName: 'prod', context: 'prod-admin', server: 'https://10.0.0.1:6443' });
    expect(access.ca?.toString()).toBe('PEM');
    expect(access.token).toBe('t0k');
  });

  it('reads a named context with inline CA and client certificate', () => {
    const access = loadKubeconfig(write(config), 'dev-robot');
    expect(access.clusterName).toBe('dev');
    expect(access.ca?.toString()).toBe('CA');
    expect(access.clientCert?.toString()).toBe('CERT');
    expect(access.clientKey?.toString()).toBe('KEY');
    expect(access.token).toBeUndefined();
  });

  it('refuses plugins, unknown contexts and unreadable files, with a code', () => {
    expect(() => loadKubeconfig(write(config), 'dev-plugin')).toThrow(/exec or auth-provider/);
    expect(() => loadKubeconfig(write(config), 'nope')).toThrow(/no context named "nope"/);
    let error: unknown;
    try {
      loadKubeconfig(path.join(dir, 'missing'));
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'GANTRY_DISCOVERY_K8S_KUBECONFIG' });
  });
});
