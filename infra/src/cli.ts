/**
 * npm run infra -- up|down|status|logs [kafka|cassandra|redis|consul|k8s] [--lines N]
 *
 * Runs Apache Kafka (KRaft) and Apache Cassandra on 127.0.0.1 from jars cached out of Maven Central,
 * Redis from Debian's package, cached the same way, and a Consul dev agent built once from the Go module proxy.
 * Kubernetes (k8s) is a kube-apiserver built once from the Go module proxy on Debian's etcd.
 */
import { COMPONENTS, type ComponentName, isComponentName, managedInstance, target } from './components';
import { ensureUp } from './index';
import { down, logTails, status } from './lifecycle';
import { formatBytes, rssBytes } from './process';

const USAGE = `usage: npm run infra -- <up|down|status|logs> [${COMPONENTS.join('|')}] [--lines N]
  up      start what is not running (${COMPONENTS.join(', then ')}) and wait until it answers
  down    stop the processes this tool started (by recorded PID)
  status  state, PID, address and RSS of each component
  logs    the tail of each component's log (default 60 lines)`;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function parseArgs(argv: string[]): { command: string; components: ComponentName[]; lines: number } {
  const [command = '', ...rest] = argv;
  const components: ComponentName[] = [];
  let lines = 60;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--lines' || arg === '-n') {
      lines = Number(rest[++i]);
      if (!Number.isInteger(lines) || lines <= 0) throw new Error(`${arg} needs a positive number`);
    } else if (isComponentName(arg)) {
      components.push(arg);
    } else {
      throw new Error(`unknown argument "${arg}"\n${USAGE}`);
    }
  }
  return { command, components: components.length > 0 ? components : [...COMPONENTS], lines };
}

const say = (msg: string) => console.log(`[infra] ${msg}`);

async function cmdUp(components: ComponentName[]): Promise<void> {
  const { results } = await ensureUp(components, say);
  for (const r of results) {
    const rss = r.pid !== undefined ? `, RSS ${formatBytes(rssBytes(r.pid))}` : '';
    const pid = r.pid !== undefined ? ` pid ${r.pid}` : '';
    const timing =
      r.state === 'started'
        ? `download/build ${r.fetchMs > 0 ? seconds(r.fetchMs) : 'cached'}, ready ${seconds(r.readyMs)} after launch, total ${seconds(r.totalMs)}`
        : `answered in ${seconds(r.totalMs)}`;
    say(`${r.component}: ${r.state}${pid} at ${r.address} (${timing}${rss}) - ${r.detail}`);
  }
}

async function cmdDown(components: ComponentName[]): Promise<void> {
  for (const component of [...components].reverse()) {
    const outcome = await down(managedInstance(component));
    const text = {
      'no-pid-file': 'nothing of ours to stop (no pid file)',
      'not-running': 'was not running (stale pid file removed)',
      terminated: 'stopped',
      killed: 'did not stop on SIGTERM: killed',
    }[outcome];
    say(`${component}: ${text}`);
  }
}

async function cmdStatus(components: ComponentName[]): Promise<void> {
  for (const component of components) {
    const t = target(component);
    if (t.kind === 'external') {
      let state: string;
      try {
        state = `ready - ${await t.probe(3_000)}`;
      } catch (error) {
        state = `NOT answering - ${error instanceof Error ? error.message : String(error)}`;
      }
      say(`${component.padEnd(10)} external (${t.variable}=${t.addresses.join(',')}): ${state}`);
      continue;
    }
    // A component's own processes first (kube-apiserver's etcd), then the component.
    for (const instance of [...(t.instance.dependsOn ?? []), t.instance]) {
      const s = await status(instance);
      const words: Record<typeof s.health, string> = {
        ready: 'running, ready',
        starting: 'running, NOT ready',
        'not-ours': 'not ours, ready',
        'port-busy': 'not ours, port busy, NOT ready',
        stopped: 'stopped',
      };
      const columns = [
        (instance === t.instance ? component : instance.name).padEnd(10),
        words[s.health].padEnd(20),
        `pid ${s.pid ?? '-'}`.padEnd(12),
        s.address.padEnd(16),
        `RSS ${formatBytes(s.rssBytes)}`.padEnd(14),
        s.detail ?? '',
      ];
      say(columns.join(' ').trimEnd());
    }
  }
}

function cmdLogs(components: ComponentName[], lines: number): void {
  for (const component of components) {
    const instance = managedInstance(component);
    console.log(`===== ${component} (${instance.dir}) =====`);
    console.log(logTails(instance, lines));
  }
}

async function main(): Promise<number> {
  const { command, components, lines } = parseArgs(process.argv.slice(2));
  switch (command) {
    case 'up':
      await cmdUp(components);
      return 0;
    case 'down':
      await cmdDown(components);
      return 0;
    case 'status':
      await cmdStatus(components);
      return 0;
    case 'logs':
      cmdLogs(components, lines);
      return 0;
    default:
      console.error(USAGE);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[infra] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
