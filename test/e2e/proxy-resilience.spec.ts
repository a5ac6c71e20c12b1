/**
 * Replicas through a Kafka outage, on a Kafka of the test's own (started by the project's infra library) so it
 * can be stopped without disturbing other tests: traffic keeps flowing on the last applied config, and the
 * replicas converge once Kafka is back. Also a proxy running several worker processes, each in step with the log.
 */
import { down, kafkaInstance, up, type Instance } from '@gantry/infra';
import { eventually } from '../../libs/store/src/testing/stored-state';
import { freePorts } from '../support/app-process';
import { GantryCluster, type RunningProxy } from '../support/gantry-cluster';
import { http } from '../support/http-client';
import { UpstreamServer } from '../support/upstream-server';
import { uniqueName } from '../support/infra-env';

jest.setTimeout(300_000);

let broker: Instance;
let cluster: GantryCluster;
let upstream: UpstreamServer;
const quiet = (msg: string): void => void msg;

beforeAll(async () => {
  const [kafkaPort, controllerPort] = await freePorts(2);
  broker = kafkaInstance({
    name: uniqueName('kafka_proxy_outage'),
    port: kafkaPort,
    controllerPort,
    heap: '256m',
  });
  await up(broker, quiet);
  cluster = new GantryCluster({ env: { GANTRY_KAFKA_BROKERS: broker.address } });
  upstream = await new UpstreamServer('echo').start();
  const admin = await cluster.startAdmin();
  await cluster.startProxy();
  await cluster.startProxy();
  expect((await admin.post('/services', { name: 'echo', url: `http://${upstream.target}` })).status).toBe(201);
  expect((await admin.post('/services/echo/routes', { paths: ['/echo'] })).status).toBe(201);
  await cluster.converge();
});

afterAll(async () => {
  await cluster?.stop();
  await upstream?.close();
  if (broker) await down(broker);
});

/** Keeps `concurrency` clients per replica busy until stopped; collects every failure. */
function trafficOn(proxies: readonly RunningProxy[], path: string, concurrency = 2) {
  let running = true;
  let sent = 0;
  const failures: string[] = [];
  const loops = proxies.flatMap((proxy) =>
    Array.from({ length: concurrency }, async () => {
      while (running) {
        const answer = await http(proxy.url, path).catch((error: Error) => ({ status: 0, text: error.message }));
        sent++;
        if (answer.status !== 200) failures.push(`${proxy.id}: ${answer.status} ${answer.text}`);
      }
    }),
  );
  return {
    async stop(): Promise<{ sent: number; failures: string[] }> {
      running = false;
      await Promise.all(loops);
      return { sent, failures };
    },
  };
}

describe('Kafka stopped and restarted mid-traffic', () => {
  it('serves every proxied request on the last config, reports degraded, and converges afterwards', async () => {
    const traffic = trafficOn(cluster.proxies, '/echo');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await down(broker);
    await eventually(
      async () => {
        const planes = await Promise.all(
          cluster.proxies.map(async (proxy) => (await http(proxy.statusUrl, '/status')).json as { status: string }),
        );
        return planes.every((plane) => plane.status === 'degraded');
      },
      60_000,
      'the replicas to notice the outage',
    );
    // Still ready: a replica serving its last version must not be pulled from the load balancer.
    for (const proxy of cluster.proxies) expect((await http(proxy.statusUrl, '/status/ready')).status).toBe(200);
    await up(broker, quiet);
    await eventually(
      async () => (await cluster.admin.post('/services/echo/routes', { paths: ['/after-outage'] })).status === 201,
      60_000,
      'the admin to write again',
    );
    await cluster.converge(60_000);
    const { sent, failures } = await traffic.stop();
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(50);
    for (const proxy of cluster.proxies) {
      expect((await http(proxy.url, '/after-outage')).status).toBe(200);
      const status = (await http(proxy.statusUrl, '/status')).json as { status: string };
      await eventually(
        async () => ((await http(proxy.statusUrl, '/status')).json as { status: string }).status === 'ready',
        30_000,
        `${proxy.id} to report ready again (was ${status.status})`,
      );
    }
  });
});

describe('GANTRY_PROXY_WORKERS', () => {
  it('runs several workers that each follow the log, behind one status port', async () => {
    const proxy = await cluster.startProxy(uniqueName('workers'), { GANTRY_PROXY_WORKERS: '2' });
    const status = (await http(proxy.statusUrl, '/status')).json as { workers: { node_id: string }[]; ready: boolean };
    expect(status.ready).toBe(true);
    expect(status.workers.map((worker) => worker.node_id).sort()).toEqual([`${proxy.id}-w1`, `${proxy.id}-w2`]);

    expect((await cluster.admin.post('/services/echo/routes', { paths: ['/workers'] })).status).toBe(201);
    await cluster.converge();
    // Every worker applied it: connections are spread over the workers, and none answers 404.
    for (let i = 0; i < 20; i++) {
      const answer = await http(proxy.url, '/workers', { agent: false });
      expect(answer.status).toBe(200);
    }
    const metrics = await http(proxy.statusUrl, '/metrics');
    expect(metrics.text).toMatch(/^gantry_config_version \d+$/m);
  });
});
