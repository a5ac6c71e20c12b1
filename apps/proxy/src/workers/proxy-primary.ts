import cluster, { type Worker } from 'node:cluster';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AggregatorRegistry } from 'prom-client';
import { childLogger } from '@gantry/logging';
import type { Settings } from '@gantry/settings';
import { loadDefaultCertificate } from '../tls/default-certificate';
import { STATUS_REQUEST, isStatusResponse, type StatusResponse } from './worker-messages';

const STATUS_TIMEOUT_MS = 2_000;
const RESTART_DELAY_MS = 1_000;
const STOP_TIMEOUT_MS = 10_000;

/**
 * `GANTRY_PROXY_WORKERS=N`: the primary forks N workers that share the gateway ports through `node:cluster`.
 * Each worker is a full replica (its own fold of the log), so every worker stays in step with the log on its
 * own. The primary owns the status port: ready when every worker is, and metrics summed across workers.
 */
export class ProxyPrimary {
  private readonly logger = childLogger('proxy-primary');
  private readonly metrics = new AggregatorRegistry();
  private readonly pending = new Map<number, { responses: StatusResponse[]; expected: number; done: () => void }>();
  private nextRequestId = 1;
  private statusServer: Server | undefined;
  private stopping = false;

  constructor(private readonly settings: Settings) {}

  async start(): Promise<void> {
    // Made once here, so workers starting together all read the same default certificate.
    if (this.settings.proxy.tlsListen) await loadDefaultCertificate(this.settings);
    cluster.on('message', (_worker, message) => this.onMessage(message));
    cluster.on('exit', (worker, code, signal) => this.onExit(worker, code, signal));
    for (let index = 1; index <= this.settings.proxy.workers; index++) this.fork(index);
    this.statusServer = createServer((req, res) => void this.serveStatus(req, res));
    await new Promise<void>((resolve, reject) => {
      this.statusServer!.once('error', reject);
      this.statusServer!.listen(this.settings.statusListen.port, this.settings.statusListen.host, resolve);
    });
    this.logger.info({ workers: this.settings.proxy.workers }, 'proxy primary started');
  }

  /** Stops every worker the way a signal would (each closes its app), then force-kills what is left. */
  async stop(): Promise<void> {
    this.stopping = true;
    await new Promise<void>((resolve) => (this.statusServer ? this.statusServer.close(() => resolve()) : resolve()));
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            const force = setTimeout(() => worker.process.kill('SIGKILL'), STOP_TIMEOUT_MS);
            worker.once('exit', () => {
              clearTimeout(force);
              resolve();
            });
            worker.process.kill('SIGTERM');
          }),
      ),
    );
  }

  private fork(index: number): void {
    const worker = cluster.fork({
      GANTRY_PROXY_WORKER_INDEX: String(index),
      GANTRY_NODE_ID: `${this.settings.nodeId}-w${index}`,
    });
    workerIndex.set(worker, index);
  }

  private onExit(worker: Worker, code: number | null, signal: string | null): void {
    const index = workerIndex.get(worker);
    if (this.stopping || index === undefined) return;
    this.logger.error({ worker: index, code, signal }, 'proxy worker exited; restarting it');
    setTimeout(() => this.fork(index), RESTART_DELAY_MS).unref();
  }

  private onMessage(message: unknown): void {
    if (!isStatusResponse(message)) return;
    const request = this.pending.get(message.id);
    if (request === undefined) return;
    request.responses.push(message);
    if (request.responses.length >= request.expected) request.done();
  }

  /** Every live worker's status, or fewer when some did not answer in time. */
  private collectStatus(): Promise<StatusResponse[]> {
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && w.isConnected());
    const id = this.nextRequestId++;
    return new Promise((resolve) => {
      const responses: StatusResponse[] = [];
      const finish = (): void => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(responses);
      };
      const timer = setTimeout(finish, STATUS_TIMEOUT_MS);
      this.pending.set(id, { responses, expected: workers.length, done: finish });
      if (workers.length === 0) finish();
      for (const worker of workers) worker.send({ type: STATUS_REQUEST, id });
    });
  }

  private async serveStatus(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (path === '/metrics') {
        const text = await this.metrics.clusterMetrics();
        res.writeHead(200, { 'content-type': this.metrics.contentType }).end(text);
        return;
      }
      if (path === '/status' || path === '/status/ready' || path === '/health') {
        const responses = await this.collectStatus();
        const expected = this.settings.proxy.workers;
        const notReady =
          responses.length < expected
            ? `${responses.length} of ${expected} workers answered`
            : (responses.find((r) => r.notReady !== null)?.notReady ?? null);
        if (path === '/status') {
          return json(res, 200, { workers: responses.map((r) => r.status), ready: notReady === null });
        }
        if (path === '/health') {
          return json(res, notReady === null ? 200 : 503, { status: notReady === null ? 'ok' : 'error' });
        }
        return json(res, notReady === null ? 200 : 503, { message: notReady ?? 'ready' });
      }
      json(res, 404, { message: 'Not found' });
    } catch (error) {
      this.logger.error({ err: error }, 'status request failed');
      json(res, 500, { message: 'An unexpected error occurred' });
    }
  }
}

const workerIndex = new WeakMap<Worker, number>();

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
