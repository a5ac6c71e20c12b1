/**
 * The Consul watcher against the real Consul agent of the test run (CONSUL_HTTP_ADDR, from the global setup's
 * `consul` component, or an existing agent). Services are registered through the agent API with TTL checks the
 * test passes, warns and fails itself. One watcher feeds a real Reconciler over an in-memory fold; a second,
 * keeping warning instances, feeds a recording sink. Tag prefix, meta key and names are unique to the run, so
 * other services on a shared agent are ignored.
 */
import { randomBytes } from 'node:crypto';
import { asText, findByUnique, listEntities } from '@gantry/config';
import { ConsulSource, Reconciler } from '@gantry/discovery';
import pino from 'pino';
import { eventually, RecordingSink } from '../../libs/discovery/src/consul/testing/recording-sink';
import { FoldingWriter } from '../../libs/discovery/src/testing/folding-writer';
import { consulAddress, consulToken } from '../support/infra-env';

const silent = pino({ level: 'silent' });
const run = randomBytes(4).toString('hex');
const TAG_PREFIX = `gantry-it-${run}.upstream`;
const META_KEY = `gantry-it-${run}`;
const ORDERS = `orders-${run}`;
const BILLING = `billing-${run}`;

let address: string;
let datacenter: string;
const registered: string[] = [];

async function agent(method: 'GET' | 'PUT', path: string, body?: unknown): Promise<unknown> {
  const token = consulToken();
  let answer: Response;
  try {
    answer = await fetch(`${address}${path}`, {
      method,
      headers: token === undefined ? {} : { 'x-consul-token': token },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new Error(`Consul at ${address} is unreachable (${path}): ${(error as Error).message}`);
  }
  const text = await answer.text();
  if (!answer.ok) throw new Error(`${method} ${path} answered ${answer.status}: ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}

interface Instance {
  readonly id: string;
  readonly service: string;
  readonly port: number;
  readonly tags?: string[];
  readonly meta?: Record<string, string>;
  readonly weights?: { Passing: number; Warning: number };
}

async function registerInstance(i: Instance): Promise<void> {
  await agent('PUT', '/v1/agent/service/register', {
    ID: i.id,
    Name: i.service,
    Address: '127.0.0.1',
    Port: i.port,
    Tags: i.tags ?? [],
    Meta: i.meta ?? {},
    ...(i.weights === undefined ? {} : { Weights: i.weights }),
    Check: { CheckID: `${i.id}-ttl`, TTL: '10m', Status: 'passing' },
  });
  registered.push(i.id);
}

const setCheck = (id: string, status: 'pass' | 'warn' | 'fail') =>
  agent('PUT', `/v1/agent/check/${status}/${encodeURIComponent(`${id}-ttl`)}`);
const deregister = (id: string) => agent('PUT', `/v1/agent/service/deregister/${encodeURIComponent(id)}`);

let writer: FoldingWriter;
let reconciler: Reconciler;
let source: ConsulSource;
let warningSink: RecordingSink;
let warningSource: ConsulSource;

/** The targets of an upstream in the fold: address → weight. */
function foldTargets(name: string): Record<string, number> {
  const state = writer.fold.state;
  const upstream = findByUnique(state, 'upstreams', 'name', name);
  if (upstream === undefined) return {};
  const out: Record<string, number> = {};
  for (const t of listEntities(state, 'targets')) {
    if ((t.upstream as { id: string }).id === upstream.id) out[asText(t.target)] = t.weight as number;
  }
  return out;
}

const sorted = (targets: Record<string, number>) => JSON.stringify(Object.entries(targets).sort());

function sameTargets(name: string, expected: Record<string, number>): () => boolean {
  return () => sorted(foldTargets(name)) === sorted(expected);
}

beforeAll(async () => {
  address = consulAddress();
  const self = (await agent('GET', '/v1/agent/self')) as { Config: { Datacenter: string } };
  datacenter = self.Config.Datacenter;

  await registerInstance({
    id: `${ORDERS}-1`,
    service: ORDERS,
    port: 10001,
    tags: [`${TAG_PREFIX}=${ORDERS}`],
    weights: { Passing: 10, Warning: 3 },
  });
  await registerInstance({ id: `${ORDERS}-2`, service: ORDERS, port: 10002, tags: [`${TAG_PREFIX}=${ORDERS}`] });
  await registerInstance({ id: `${BILLING}-1`, service: BILLING, port: 10003, meta: { [META_KEY]: BILLING } });

  writer = new FoldingWriter();
  reconciler = new Reconciler({
    source: `consul:${datacenter}`,
    fold: writer.fold,
    writer,
    logger: silent,
    emptyGraceMs: 0,
    minChangeIntervalMs: 0,
  });
  const common = {
    datacenter,
    address,
    ...(consulToken() === undefined ? {} : { token: consulToken() }),
    mapping: { tagPrefix: TAG_PREFIX, metaKey: META_KEY },
    waitMs: 30_000,
    logger: silent,
  };
  source = new ConsulSource({ ...common, upstreamDefaults: { algorithm: 'least-connections' } });
  warningSink = new RecordingSink();
  warningSource = new ConsulSource({ ...common, name: `${datacenter}-warn`, includeWarning: true });
  await source.start(reconciler);
  await warningSource.start(warningSink);
});

afterAll(async () => {
  await source?.stop();
  await warningSource?.stop();
  await reconciler?.close();
  for (const id of registered) await deregister(id).catch(() => undefined);
});

describe('ConsulSource against a real Consul agent', () => {
  it('syncs the registered instances as targets with their Consul weights, by tag and by meta', async () => {
    expect(source.status()).toMatchObject({ synced: true, lastError: null, source: `consul:${datacenter}` });
    await eventually('the initial targets', sameTargets(ORDERS, { '127.0.0.1:10001': 10, '127.0.0.1:10002': 1 }));
    await eventually('the meta-mapped upstream', sameTargets(BILLING, { '127.0.0.1:10003': 1 }));

    const upstream = findByUnique(writer.fold.state, 'upstreams', 'name', ORDERS);
    expect(upstream).toMatchObject({ algorithm: 'least-connections', tags: [`discovery:consul:${datacenter}`] });
    const target = listEntities(writer.fold.state, 'targets').find((t) => t.target === '127.0.0.1:10001');
    const tags = target?.tags as string[];
    expect(tags).toEqual(expect.arrayContaining([`discovery:consul:${datacenter}`, `consul-service:${ORDERS}`]));
    expect(tags.some((tag) => tag.startsWith('consul-node:'))).toBe(true);
    const [first] = writer.eventsBy(`discovery:consul:${datacenter}`);
    expect(first.reason).toMatch(new RegExp(`consul ${datacenter}: full sync at catalog index \\d+ \\(start\\)`));
    expect(Object.keys(source.status().indexes)).toEqual(
      expect.arrayContaining([
        'catalog/services',
        'catalog/services?meta',
        `health/service/${ORDERS}`,
        `health/service/${BILLING}`,
      ]),
    );
  });

  it('removes an instance whose check fails and puts it back when it passes', async () => {
    await setCheck(`${ORDERS}-1`, 'fail');
    await eventually('the failing instance gone', sameTargets(ORDERS, { '127.0.0.1:10002': 1 }));
    const last = writer.eventsBy(`discovery:consul:${datacenter}`).at(-1);
    expect(last?.reason).toMatch(new RegExp(`consul ${datacenter}: service '${ORDERS}' index \\d+ -> \\d+`));

    await setCheck(`${ORDERS}-1`, 'pass');
    await eventually('the instance back', sameTargets(ORDERS, { '127.0.0.1:10001': 10, '127.0.0.1:10002': 1 }));
  });

  it('drops warning instances by default and keeps them with Weights.Warning when asked', async () => {
    await setCheck(`${ORDERS}-1`, 'warn');
    await eventually('the warning instance gone', sameTargets(ORDERS, { '127.0.0.1:10002': 1 }));
    await eventually(
      'the warning weight on the second source',
      () => sorted(warningSink.targets(ORDERS)) === sorted({ '127.0.0.1:10001': 3, '127.0.0.1:10002': 1 }),
    );
    await setCheck(`${ORDERS}-1`, 'pass');
    await eventually('passing again', sameTargets(ORDERS, { '127.0.0.1:10001': 10, '127.0.0.1:10002': 1 }));
  });

  it('removes deregistered instances, down to an empty upstream', async () => {
    await deregister(`${ORDERS}-2`);
    await eventually('the deregistered instance gone', sameTargets(ORDERS, { '127.0.0.1:10001': 10 }));
    await deregister(`${ORDERS}-1`);
    await eventually('the upstream emptied', sameTargets(ORDERS, {}));
    expect(findByUnique(writer.fold.state, 'upstreams', 'name', ORDERS)).toBeDefined();
    await eventually('the service no longer watched', () => !(`health/service/${ORDERS}` in source.status().indexes));
    // The meta-mapped service was not touched.
    expect(foldTargets(BILLING)).toEqual({ '127.0.0.1:10003': 1 });
    expect(source.status()).toMatchObject({ synced: true, resyncs: 1, lastError: null });
  });
});
