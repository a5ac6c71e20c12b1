import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';

const RECORDER = Symbol('gantry.bodyRecorder');
type Recorded = IncomingMessage & { [RECORDER]?: BodyRecorder };

function onData(this: Recorded, chunk: Buffer): void {
  this[RECORDER]?.record(chunk);
}

/**
 * Keeps the request body bytes read so far, up to a limit, so that a failed attempt can be replayed to the
 * next peer while the rest of the body keeps streaming from the client. Bodies are never parsed; past the
 * limit the recording stops and the request can no longer be retried.
 */
export class BodyRecorder {
  private chunks: Buffer[] = [];
  private size = 0;
  private source: Recorded | null = null;
  private overflowed = false;

  constructor(private readonly limit: number) {}

  /** Whether every byte read so far is still held. */
  get replayable(): boolean {
    return !this.overflowed;
  }

  /** Starts recording. Call after the body is piped to the first attempt, so both see every chunk. */
  attach(req: IncomingMessage): void {
    const recorded = req as Recorded;
    recorded[RECORDER] = this;
    recorded.on('data', onData);
    this.source = recorded;
  }

  record(chunk: Buffer): void {
    if (this.overflowed) return;
    this.size += chunk.length;
    if (this.size > this.limit) {
      this.overflowed = true;
      this.release();
      return;
    }
    this.chunks.push(chunk);
  }

  /** A stream of the recorded bytes followed by whatever the client has not sent yet. */
  replay(req: IncomingMessage): PassThrough {
    const stream = new PassThrough();
    for (const chunk of this.chunks) stream.write(chunk);
    if (req.readableEnded) stream.end();
    else req.pipe(stream);
    return stream;
  }

  /** Stops recording and frees the bytes (once a response arrived, no retry can happen any more). */
  release(): void {
    const source = this.source;
    if (source !== null) {
      source.removeListener('data', onData);
      source[RECORDER] = undefined;
      this.source = null;
    }
    this.chunks = [];
  }
}
