/** Bytes a block holds unless a single text needs more. */
const BLOCK_BYTES = 32 * 1024 * 1024;

/**
 * Text written as UTF-8 into a few large buffers as it is produced, so a long text (a snapshot of hundreds of
 * thousands of entities) never exists as strings kept until the end: they would survive into the old generation
 * and be copied there, which costs more than encoding them.
 */
export class Utf8Blocks {
  private readonly full: Buffer[] = [];
  private block: Buffer = Buffer.alloc(0);
  private used = 0;
  private total = 0;

  /** Bytes written so far. */
  get length(): number {
    return this.total;
  }

  /** Appends `text`; returns its bytes (a view, valid until `toBuffer`). */
  write(text: string): Buffer {
    // 3 bytes per UTF-16 unit is the most UTF-8 needs, so the exact count is only taken when it might not fit.
    if (this.block.length - this.used < text.length * 3) {
      const bytes = Buffer.byteLength(text, 'utf8');
      if (this.block.length - this.used < bytes) this.next(bytes);
    }
    const start = this.used;
    this.used += this.block.write(text, start, 'utf8');
    this.total += this.used - start;
    return this.block.subarray(start, this.used);
  }

  /** Everything written, as one buffer (no copy when it fit in one block). */
  toBuffer(): Buffer {
    const last = this.block.subarray(0, this.used);
    if (this.full.length === 0) return last;
    return Buffer.concat([...this.full, last], this.total);
  }

  private next(atLeast: number): void {
    if (this.used > 0) this.full.push(this.block.subarray(0, this.used));
    this.block = Buffer.allocUnsafeSlow(Math.max(BLOCK_BYTES, atLeast));
    this.used = 0;
  }
}
