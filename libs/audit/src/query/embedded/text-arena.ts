/** Bytes per chunk; a text longer than this gets a chunk of its own. */
const CHUNK_BYTES = 16 * 1024 * 1024;
const INITIAL_TEXTS = 1_024;

/**
 * Append-only texts kept as UTF-8 in large buffers outside the JS heap, each read back by its number. A long
 * history's audit changes held as strings (a million of about 1 KB) are copied by every young-generation
 * collection they survive and traced by every full one, which made indexing a million events at start several
 * times slower; bytes in a buffer are neither moved nor scanned.
 */
export class TextArena {
  private readonly chunks: Buffer[] = [];
  private chunk: Buffer = Buffer.alloc(0);
  private used = 0;
  private count = 0;
  /** Per text: its chunk, first byte and byte length. */
  private chunkOf: Uint32Array = new Uint32Array(INITIAL_TEXTS);
  private startOf: Uint32Array = new Uint32Array(INITIAL_TEXTS);
  private lengthOf: Uint32Array = new Uint32Array(INITIAL_TEXTS);

  /** Texts added so far. */
  get size(): number {
    return this.count;
  }

  /** Keeps `text`; returns its number (0, 1, 2, ... in the order added). */
  add(text: string): number {
    // UTF-8 needs at most 3 bytes per UTF-16 unit, so the exact length is only counted when it might not fit.
    if (this.chunks.length === 0 || this.chunk.length - this.used < text.length * 3) {
      const bytes = Buffer.byteLength(text, 'utf8');
      if (this.chunks.length === 0 || this.chunk.length - this.used < bytes) this.nextChunk(bytes);
    }
    const n = this.count;
    if (n === this.chunkOf.length) this.grow();
    const written = this.chunk.write(text, this.used, 'utf8');
    this.chunkOf[n] = this.chunks.length - 1;
    this.startOf[n] = this.used;
    this.lengthOf[n] = written;
    this.used += written;
    this.count = n + 1;
    return n;
  }

  /** The text numbered `n`; throws for a number never returned by `add`. */
  get(n: number): string {
    if (!Number.isInteger(n) || n < 0 || n >= this.count) throw new RangeError(`text arena: no text ${n}`);
    const start = this.startOf[n];
    return this.chunks[this.chunkOf[n]].toString('utf8', start, start + this.lengthOf[n]);
  }

  private nextChunk(atLeast: number): void {
    this.chunk = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, atLeast));
    this.chunks.push(this.chunk);
    this.used = 0;
  }

  private grow(): void {
    const widen = (from: Uint32Array): Uint32Array => {
      const to = new Uint32Array(from.length * 2);
      to.set(from);
      return to;
    };
    this.chunkOf = widen(this.chunkOf);
    this.startOf = widen(this.startOf);
    this.lengthOf = widen(this.lengthOf);
  }
}
