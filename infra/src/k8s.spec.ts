import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { managedInstance, target } from './components';
import { etcdArgs } from './etcd';
import { kubeApiserverArgs } from './k8s';
import { kubeApiserverBinary, kubeApiserverCacheDir } from './k8s-build';
import { k8sSpecFromEnv, kubeconfigEndpoint } from './k8s-component';
import { ensureCredentials, renderTokensCsv, tokenOfCsv } from './k8s-credentials';
import {
  KubernetesVersionError,
  stagingModules,
  stagingReplaceArgs,
  stagingVersion,
  versionLdflags,
} from './k8s-staging';
import { KubeconfigError, kubeconfigFromEnv, loadKubeconfig, renderKubeconfig } from './kubeconfig';
import { logTails } from './lifecycle';

let tmp: string;
beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-k8s-'))));
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('building kube-apiserver from the module proxy', () => {
  it('replaces the staging modules required at v0.0.0 with their published versions', () => {
    const goMod = {
      Require: [
        { Path: 'github.com/spf13/cobra', Version: 'v1.8.1' },
        { Path: 'k8s.io/api', Version: 'v0.0.0' },
        { Path: 'k8s.io/apiserver', Version: 'v0.0.0' },
        { Path: 'k8s.io/kube-openapi', Version: 'v0.0.0-20250318190949-c8a335a9a2ff' },
        { Path: 'k8s.io/utils', Version: 'v0.0.0-20241104100929-3ea5e8cea738' },
      ],
    };
    const modules = stagingModules(goMod);
    expect(modules).toEqual(['k8s.io/api', 'k8s.io/apiserver']);
    expect(stagingReplaceArgs(modules, 'v1.33.4')).toEqual([
      '-replace=k8s.io/api=k8s.io/api@v0.33.4',
      '-replace=k8s.io/apiserver=k8s.io/apiserver@v0.33.4',
    ]);
    expect(stagingModules({ Require: null })).toEqual([]);
  });

  it('stamps the release into the binary and accepts only plain v1.x.y releases', () => {
    expect(stagingVersion('v1.33.4')).toBe('v0.33.4');
    expect(versionLdflags('v1.33.4')).toBe(
      '-X k8s.io/component-base/version.gitVersion=v1.33.4 -X k8s.io/component-base/version.gitMajor=1 ' +
        '-X k8s.io/component-base/version.gitMinor=33 -X k8s.io/component-base/version.gitTreeState=clean',
    );
    for (const bad of ['1.33.4', 'v1.33', 'v2.0.0', 'v1.33.4-rc.0']) {
      expect(() => stagingVersion(bad)).toThrow(KubernetesVersionError);
    }
  });

  it('reuses a completed build without running Go', async () => {
    const dir = kubeApiserverCacheDir(tmp, 'v1.33.4');
    fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'bin', 'kube-apiserver'), '');
    const marker = { version: 'v1.33.4', reported: 'Kubernetes v1.33.4', buildSeconds: 1, go: 'go1.26' };
    fs.writeFileSync(path.join(dir, '.complete'), JSON.stringify(marker));
    const messages: string[] = [];
    const binary = await kubeApiserverBinary({ version: 'v1.33.4', cacheDir: tmp, timeoutMs: 1_000 }, (msg) =>
      messages.push(msg),
    );
    expect(binary).toEqual({
      path: path.join(dir, 'bin', 'kube-apiserver'),
      reported: 'Kubernetes v1.33.4',
      built: false,
    });
    expect(messages).toEqual([]);
  });
});

describe('credentials and kubeconfig', () => {
  it('draws the service-account keys and the admin token once, and keeps them', () => {
    const first = ensureCredentials(path.join(tmp, 'credentials'));
    const key = fs.readFileSync(first.serviceAccountKey, 'utf8');
    expect(key).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    expect(fs.readFileSync(first.serviceAccountPub, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(fs.readFileSync(first.tokensCsv, 'utf8')).toBe(
      `${first.token},gantry-admin,gantry-admin,"system:masters"\n`,
    );
    expect(fs.statSync(first.serviceAccountKey).mode & 0o077).toBe(0);

    const second = ensureCredentials(path.join(tmp, 'credentials'));
    expect(second.token).toBe(first.token);
    expect(fs.readFileSync(second.serviceAccountKey, 'utf8')).toBe(key);
  });

  it('writes static token lines kube-apiserver can parse', () => {
    expect(renderTokensCsv('abc_D-1', 'u', ['g1', 'g2'])).toBe('abc_D-1,u,u,"g1,g2"\n');
    expect(tokenOfCsv('abc,u,u,"g"\n')).toBe('abc');
    expect(tokenOfCsv('')).toBeUndefined();
    expect(() => renderTokensCsv('a,b', 'u', [])).toThrow(/static token/);
  });

  it('reads back the kubeconfig it writes, the CA from its file', () => {
    fs.writeFileSync(path.join(tmp, 'ca.crt'), 'PEM');
    const file = path.join(tmp, 'kubeconfig');
    fs.writeFileSync(
      file,
      renderKubeconfig({ server: 'https://127.0.0.1:6443', caFile: path.join(tmp, 'ca.crt'), token: 't0k', name: 'x' }),
    );
    const access = loadKubeconfig(file);
    expect(access).toMatchObject({ server: 'https://127.0.0.1:6443', token: 't0k', insecureSkipTlsVerify: false });
    expect(access.ca?.toString()).toBe('PEM');
  });

  it('reads inline data, relative files and token files of other kubeconfigs; rejects plugins', () => {
    fs.writeFileSync(path.join(tmp, 'token'), 'from-file\n');
    fs.writeFileSync(path.join(tmp, 'client.key'), 'KEY');
    const write = (user: string) => {
      fs.writeFileSync(
        path.join(tmp, 'config'),
        `apiVersion: v1
kind: Config
current-context: dev
contexts:
  - name: other
    context: { cluster: nope, user: nope }
  - name: dev
    context: { cluster: c, user: u }
clusters:
  - name: c
    cluster:
      server: https://k8s.example:443/
      certificate-authority-data: ${Buffer.from('CA').toString('base64')}
      tls-server-name: api.internal
users:
  - name: u
    user: ${user}
`,
      );
      return loadKubeconfig(path.join(tmp, 'config'));
    };
    const access = write(
      `{ tokenFile: token, client-key: client.key, client-certificate-data: ${Buffer.from('CERT').toString('base64')} }`,
    );
    expect(access).toMatchObject({
      server: 'https://k8s.example:443',
      token: 'from-file',
      tlsServerName: 'api.internal',
    });
    expect([access.ca, access.clientCert, access.clientKey].map(String)).toEqual(['CA', 'CERT', 'KEY']);
    expect(() => write('{ exec: { command: aws } }')).toThrow(KubeconfigError);
    expect(() => loadKubeconfig(path.join(tmp, 'missing'))).toThrow(/cannot read the kubeconfig/);
  });

  it('takes KUBECONFIG when it names one file', () => {
    expect(kubeconfigFromEnv({})).toBeUndefined();
    expect(kubeconfigFromEnv({ KUBECONFIG: '/a/config' })).toBe(path.resolve('/a/config'));
    expect(() => kubeconfigFromEnv({ KUBECONFIG: `/a${path.delimiter}/b` })).toThrow(/one file/);
  });
});

describe('the k8s component', () => {
  it('runs kube-apiserver with the recipe flags, marked by its cert dir', () => {
    const args = kubeApiserverArgs({
      host: '127.0.0.1',
      port: 6443,
      etcdUrl: 'http://127.0.0.1:12379',
      certDir: '/i/k8s/certs',
      serviceAccountKey: '/i/sa.key',
      serviceAccountPub: '/i/sa.pub',
      tokensCsv: '/i/tokens.csv',
    });
    expect(args).toEqual(
      expect.arrayContaining([
        '--etcd-servers=http://127.0.0.1:12379',
        '--secure-port=6443',
        '--cert-dir=/i/k8s/certs',
        '--service-account-issuer=https://127.0.0.1:6443',
        '--token-auth-file=/i/tokens.csv',
        '--authorization-mode=RBAC',
        '--disable-admission-plugins=ServiceAccount',
        '--endpoint-reconciler-type=none',
      ]),
    );
    expect(
      etcdArgs({ name: 'e', host: '127.0.0.1', clientPort: 1, peerPort: 2, dataDir: '/d', logFile: '/l' }),
    ).toEqual(
      expect.arrayContaining([
        '--data-dir=/d',
        '--listen-client-urls=http://127.0.0.1:1',
        '--initial-cluster=e=http://127.0.0.1:2',
        '--log-outputs=/l',
      ]),
    );
  });

  it('starts etcd first, on its own ports, inside the instance directory', () => {
    const env = { GANTRY_INFRA_DIR: '/tmp/i', GANTRY_K8S_PORT: '7443', GANTRY_ETCD_PORT: '22379' };
    expect(k8sSpecFromEnv(env)).toMatchObject({ port: 7443, version: 'v1.33.4', buildTimeoutMs: 45 * 60_000 });
    const k8s = managedInstance('k8s', env);
    expect(k8s).toMatchObject({
      kind: 'k8s',
      address: '127.0.0.1:7443',
      binds: [{ host: '127.0.0.1', port: 7443 }],
      marker: `--cert-dir=${path.resolve('/tmp/i/k8s/certs')}`,
    });
    expect(k8s.dependsOn).toEqual([
      expect.objectContaining({
        kind: 'etcd',
        address: '127.0.0.1:22379',
        binds: [
          { host: '127.0.0.1', port: 22379 },
          { host: '127.0.0.1', port: 12380 },
        ],
        marker: `--data-dir=${path.resolve('/tmp/i/k8s/etcd/data')}`,
      }),
    ]);
    expect(kubeconfigEndpoint(env)).toBe(path.resolve('/tmp/i/k8s/kubeconfig'));
    expect(() => k8sSpecFromEnv({ GANTRY_K8S_BUILD_PARALLELISM: 'x' })).toThrow(/GANTRY_K8S_BUILD_PARALLELISM/);
  });

  it('prints the etcd log with the API server log', () => {
    const k8s = managedInstance('k8s', { GANTRY_INFRA_DIR: tmp });
    const etcdLog = k8s.dependsOn![0].mainLog;
    fs.mkdirSync(path.dirname(etcdLog), { recursive: true });
    fs.writeFileSync(etcdLog, 'etcd says\n');
    fs.mkdirSync(path.dirname(k8s.mainLog), { recursive: true });
    fs.writeFileSync(k8s.mainLog, 'apiserver says\n');
    const tails = logTails(k8s);
    expect(tails.indexOf('etcd says')).toBeLessThan(tails.indexOf('apiserver says'));
    expect(tails.split('apiserver says')).toHaveLength(2); // stdout.log is its main log: printed once
  });

  it('uses the cluster KUBECONFIG names instead of starting one', () => {
    const file = path.join(tmp, 'config');
    fs.writeFileSync(file, 'current-context: x\n');
    expect(target('k8s', { KUBECONFIG: file })).toMatchObject({
      kind: 'external',
      variable: 'KUBECONFIG',
      addresses: [file],
    });
    expect(target('k8s', {}).kind).toBe('managed');
    expect(() => target('k8s', { KUBECONFIG: path.join(tmp, 'none') })).toThrow(/does not exist/);
  });
});
