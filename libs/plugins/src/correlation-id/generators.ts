import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { PluginRequest } from '../runtime/plugin-request';
import type { Generator } from './schema';

/** Makes one correlation id for a request. */
export type IdGenerator = (kong: PluginRequest) => string;

// Kong draws one uuid per nginx worker and counts requests after it; a Node process is one worker.
const WORKER_UUID = randomUUID();
let workerCounter = 0;

/** `uuid#counter`: this process's uuid, `#`, and a counter of the ids it generated. */
export function uuidCounter(): string {
  workerCounter += 1;
  return `${WORKER_UUID}#${workerCounter}`;
}

interface ConnectionFacts {
  readonly serial: number;
  requests: number;
}

let connectionSerial = 0;
const connections = new WeakMap<Socket, ConnectionFacts>();

/** nginx's `$connection` and `$connection_requests`, as far as the requests this plugin sees tell. */
function connectionFacts(socket: Socket | null | undefined): ConnectionFacts {
  if (socket === null || socket === undefined) return { serial: ++connectionSerial, requests: 1 };
  let facts = connections.get(socket);
  if (facts === undefined) {
    facts = { serial: ++connectionSerial, requests: 0 };
    connections.set(socket, facts);
  }
  facts.requests += 1;
  return facts;
}

function serverAddress(socket: Socket | null | undefined): string {
  const address = socket?.localAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * `tracker`: Kong's `<server_addr>-<server_port>-<worker pid>-<connection>-<connection_requests>-<time>`, with
 * the time in seconds and milliseconds. The connection serial and request count are Gantry's own (Node does not
 * expose nginx's), counted per client connection.
 */
export function tracker(kong: PluginRequest, nowMs: number): string {
  const socket = kong.raw.socket as Socket | null | undefined;
  const facts = connectionFacts(socket);
  const port = socket?.localPort ?? kong.port;
  return `${serverAddress(socket)}-${port}-${process.pid}-${facts.serial}-${facts.requests}-${(nowMs / 1000).toFixed(3)}`;
}

/** The generator a config names; `now` (ms) replaces the clock, for tests. */
export function generatorFor(name: Generator, now: () => number = Date.now): IdGenerator {
  switch (name) {
    case 'uuid':
      return () => randomUUID();
    case 'uuid#counter':
      return uuidCounter;
    case 'tracker':
      return (kong) => tracker(kong, now());
  }
}
