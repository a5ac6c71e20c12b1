import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay to Cassandra. Until `open()` its port refuses connections (Cassandra unreachable); `stall()` stops
 * forwarding bytes on open connections (a network partition, or a node that hangs), so requests time out.
 *
 * Why not reset connections mid-run: cassandra-driver 4.10 then sometimes leaves a pool reconnecting forever after
 * `client.shutdown()` (a timer that keeps the process alive), which is the driver's bug, not the persister's.
 */
export class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private stalled = false;

  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async onFreePort(target: { host: string; port: number }): Promise<Relay> {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return new Relay(port, target);
  }

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const [from, to] of [
        [client, upstream],
        [upstream, client],
      ]) {
        this.sockets.add(from);
        from.on('error', () => undefined);
        from.on('data', (data: Buffer) => {
          if (!this.stalled) to.write(data);
        });
        from.on('close', () => {
          this.sockets.delete(from);
          to.destroy();
        });
      }
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }

  stall(stalled: boolean): void {
    this.stalled = stalled;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}
