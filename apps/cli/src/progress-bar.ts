import type { ReplayProgress } from '@gantry/audit';

const BAR_WIDTH = 30;

/** `1h 02m`, `3m 07s`, `42s`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

/** One line: `[#####.....]  42% 4,200/10,000 versions  12,345/s  ETA 0s  (history)`. */
export function formatProgress(progress: ReplayProgress): string {
  const fraction = progress.total > 0 ? Math.min(1, progress.done / progress.total) : 1;
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const counts = `${progress.done.toLocaleString('en-US')}/${progress.total.toLocaleString('en-US')} versions`;
  const rate = `${Math.round(progress.ratePerSecond).toLocaleString('en-US')}/s`;
  const eta = progress.etaMs === null ? 'ETA --' : `ETA ${formatDuration(progress.etaMs)}`;
  const source = progress.source === null ? '' : `  (${progress.source})`;
  return `${bar} ${percent} ${counts}  ${rate}  ${eta}${source}`;
}

/**
 * Redraws one progress line in place on a terminal (carriage return, clear to end of line). Does nothing when the
 * stream is not a TTY, so logs and pipes get no control characters.
 */
export class ProgressBar {
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  update(progress: ReplayProgress): void {
    if (!this.enabled) return;
    this.stream.write(`\r${formatProgress(progress)}\x1b[K`);
    this.drawn = true;
  }

  /** Ends the line, so what is printed next starts on its own. */
  done(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
