import { Client } from 'cassandra-driver';
import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { kubeRequest, loadKubeconfig } from '../../infra/src';
import {
  cassandraContactPoints,
  cassandraLocalDc,
  consulAddress,
  consulToken,
  kafkaBrokers,
  kubeconfigPath,
  redisUrl,
  uniqueName,
} from '../support/infra-env';

describe('infra: the Kafka, Cassandra and Redis the global setup provides', () => {
  it('Kafka answers cluster metadata, and creates and describes a topic', async () => {
    const kafka = new Kafka({ brokers: kafkaBrokers(), clientId: 'gantry-infra-test', logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    const topic = uniqueName('infra_topic');
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers.length).toBeGreaterThanOrEqual(1);
      expect(cluster.clusterId).toEqual(expect.any(String));

      expect(await admin.createTopics({ topics: [{ topic }], waitForLeaders: true })).toBe(true);
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(topics).toHaveLength(1);
      expect(topics[0].partitions[0].leader).toBeGreaterThanOrEqual(0);
      await admin.deleteTopics({ topics: [topic] });
    } finally {
      await admin.disconnect();
    }
  });

  it('Cassandra answers CQL with a 5.0 release in the local data centre', async () => {
    const client = new Client({ contactPoints: cassandraContactPoints(), localDataCenter: cassandraLocalDc() });
    try {
      await client.connect();
      const row = (await client.execute('SELECT release_version, data_center FROM system.local')).first();
      expect(String(row.get('release_version'))).toMatch(/^5\.0/);
      expect(row.get('data_center')).toBe(cassandraLocalDc());
    } finally {
      await client.shutdown();
    }
  });

  it('Redis answers PING, a 7.x server, and expires keys', async () => {
    const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
    const key = uniqueName('infra_key');
    try {
      expect(await redis.ping()).toBe('PONG');
      expect(await redis.info('server')).toMatch(/^redis_version:7\./m);
      expect(await redis.set(key, 'v', 'EX', 30)).toBe('OK');
      expect(await redis.get(key)).toBe('v');
      const ttl = await redis.ttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(30);
      await redis.del(key);
    } finally {
      await redis.quit();
    }
  });

  it('Consul has a leader, registers a service through the HTTP API and lists it in the catalog', async () => {
    const token = consulToken();
    const headers: Record<string, string> = token ? { 'X-Consul-Token': token } : {};
    const consul = async <T = unknown>(method: string, route: string, body?: unknown): Promise<T> => {
      const response = await fetch(`${consulAddress()}${route}`, {
        method,
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    };
    const name = uniqueName('infra_svc').replace(/_/g, '-'); // a DNS-friendly service name
    const id = `${name}-1`;

    expect(await consul('GET', '/v1/status/leader')).toMatch(/:\d+$/);
    await consul('PUT', '/v1/agent/service/register', {
      ID: id,
      Name: name,
      Address: '127.0.0.1',
      Port: 18080,
      Tags: ['gantry'],
      Meta: { weight: '10' },
    });
    try {
      expect(await consul('GET', `/v1/agent/service/${id}`)).toMatchObject({
        ID: id,
        Service: name,
        Address: '127.0.0.1',
        Port: 18080,
        Tags: ['gantry'],
        Meta: { weight: '10' },
      });
      // The agent syncs its services to the catalog in the background (anti-entropy): wait until it has.
      let catalog: { ServiceID: string; ServiceAddress: string; ServicePort: number }[] = [];
      for (let attempt = 0; attempt < 100 && catalog.length === 0; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
        catalog = await consul<typeof catalog>('GET', `/v1/catalog/service/${name}`);
      }
      expect(catalog).toEqual([
        expect.objectContaining({ ServiceID: id, ServiceAddress: '127.0.0.1', ServicePort: 18080 }),
      ]);
    } finally {
      await consul('PUT', `/v1/agent/service/deregister/${id}`);
    }
    expect(await consul('GET', `/v1/agent/services?filter=${encodeURIComponent(`ID == "${id}"`)}`)).toEqual({});
  });

  it('Kubernetes creates a namespace, a Service and its EndpointSlice through the API, and reads them back', async () => {
    const access = loadKubeconfig(kubeconfigPath());
    const api = async <T = Record<string, unknown>>(method: string, route: string, body?: unknown): Promise<T> => {
      const response = await kubeRequest(access, method, route, body);
      if (response.status >= 300) throw new Error(`${method} ${route} answered ${response.status}: ${response.text}`);
      return JSON.parse(response.text) as T;
    };
    const namespace = uniqueName('infra_ns').replace(/_/g, '-'); // a DNS label
    const slices = `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices`;

    expect(await api('GET', '/version')).toMatchObject({ gitVersion: expect.stringMatching(/^v1\./) });
    await api('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    try {
      await api('POST', `/api/v1/namespaces/${namespace}/services`, {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web' },
        spec: { ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
      });
      // No controller-manager runs: the test writes the EndpointSlice a controller would. The API refuses
      // loopback and link-local endpoint addresses, hence a documentation address (TEST-NET-1).
      await api('POST', slices, {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'web-1', labels: { 'kubernetes.io/service-name': 'web' } },
        addressType: 'IPv4',
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        endpoints: [{ addresses: ['192.0.2.10'], conditions: { ready: true } }],
      });

      const service = await api<{ spec: { clusterIP: string; ports: unknown[] } }>(
        'GET',
        `/api/v1/namespaces/${namespace}/services/web`,
      );
      expect(service.spec.clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(service.spec.ports).toEqual([expect.objectContaining({ name: 'http', port: 80, targetPort: 8080 })]);
      const selector = encodeURIComponent('kubernetes.io/service-name=web');
      const list = await api<{ items: unknown[] }>('GET', `${slices}?labelSelector=${selector}`);
      expect(list.items).toEqual([
        expect.objectContaining({
          metadata: expect.objectContaining({ name: 'web-1', namespace }),
          addressType: 'IPv4',
          ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
          endpoints: [expect.objectContaining({ addresses: ['192.0.2.10'], conditions: { ready: true } })],
        }),
      ]);
    } finally {
      await api('DELETE', `${slices}/web-1`).catch(() => undefined);
      await api('DELETE', `/api/v1/namespaces/${namespace}/services/web`).catch(() => undefined);
      await api('DELETE', `/api/v1/namespaces/${namespace}`);
      // No namespace controller either: drop its finalizer, or it would stay Terminating.
      await kubeRequest(access, 'PUT', `/api/v1/namespaces/${namespace}/finalize`, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: namespace },
        spec: { finalizers: [] },
      });
    }
  });

  it('uniqueName gives names valid for topics and keyspaces', () => {
    const names = Array.from({ length: 50 }, () => uniqueName('Some-Very Long Prefix 123 for a keyspace name'));
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z][a-z0-9_]{0,47}$/);
    expect(uniqueName('9lives')).toMatch(/^lives_/);
  });
});
