import { performance } from 'node:perf_hooks';
import { percentile } from '../../harness/stats';
import { KeepAliveClient } from '../proxy/propagation/keep-alive-client';

/** One way of taking an instance out of rotation and putting it back: a Consul check, an endpoint, an Admin API write. */
export interface Flip {
  /** Asks for the victim to leave rotation; resolves once the request was answered (and fails if it was refused). */
  takeOut(): Promise<void>;
  /** Asks for it to come back. */
  putBack(): Promise<void>;
}

export interface FlipRun {
  /** The proxy's base URL, no trailing slash. */
  readonly proxyUrl: string;
  /** A path the proxy routes to the upstream holding the instances. */
  readonly path: string;
  /** The body the victim instance answers with. */
  readonly victim: string;
  /** Bodies the other instances answer with (anything else fails the run). */
  readonly others: readonly string[];
  readonly flips: number;
  /** Quiet time after each change was seen, before the next one: longer than the flap-damping interval. */
  readonly settleMs: number;
  /** A change not seen through the proxy this long after it was asked for fails the run. */
  readonly timeoutMs?: number;
  /** Called after each flip (for debugging a run). */
  readonly onFlip?: (index: number, outMs: number, backMs: number) => void;
  /** What the failure message should add (the fold's targets, the discovery process's status). */
  readonly diagnose?: () => Promise<string>;
}

export interface FlipFigures {
  readonly outP50Ms: number;
  readonly outP99Ms: number;
  readonly outMaxMs: number;
  readonly backP50Ms: number;
  readonly backP99Ms: number;
  readonly [metric: string]: number;
}

export class FlipError extends Error {
  override readonly name = 'FlipError';
  readonly code = 'BENCH_DISCOVERY_FLIP_FAILED';
}

/**
 * Consecutive answers from other instances that prove the victim is out: with two instances in round-robin, a
 * victim still in rotation answers every second request, so twenty in a row without it cannot be chance.
 */
const OUT_CONFIRMATIONS = 20;
const DEFAULT_TIMEOUT_MS = 10_000;

/** The change request runs while the proxy is polled: its failure is reported when awaited, never as unhandled. */
function asked(change: Promise<void>): Promise<void> {
  change.catch(() => undefined);
  return change;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Flips the victim out of rotation and back `flips` times, polling the proxy back to back over one keep-alive
 * connection from the moment each change is asked for (the request is sent at the start of the clock):
 *
 * - out: until the **second** answer after the victim's last one arrived. With two instances in (smooth) round-robin
 *   the victim gets every second request while it is in rotation, so by then the proxy had stopped routing to it:
 *   an upper bound, late by at most two round trips (the victim's last answer itself would be a lower bound, early
 *   by as much). {@link OUT_CONFIRMATIONS} answers from the others in a row confirm it is gone;
 * - back: until the victim's first answer arrives.
 *
 * Polling costs one loopback round trip per request (about a millisecond), which bounds the resolution.
 */
export async function measureFlips(run: FlipRun, flip: Flip): Promise<FlipFigures> {
  const client = new KeepAliveClient(run.proxyUrl);
  const known = new Set([run.victim, ...run.others]);
  const timeoutMs = run.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const poll = async (startedAt: number, what: string): Promise<{ body: string; at: number }> => {
    const answer = await client.send('GET', run.path);
    if (answer.status !== 200 || !known.has(answer.body)) {
      throw new FlipError(
        `${what}: the proxy answered ${answer.status} ${JSON.stringify(answer.body.slice(0, 200))} on ${run.path}`,
      );
    }
    if (answer.at - startedAt > timeoutMs) {
      throw new FlipError(`${what}: not seen through the proxy ${timeoutMs} ms after it was asked for`);
    }
    return answer;
  };
  const outs: number[] = [];
  const backs: number[] = [];
  try {
    await waitForVictim(run, poll);
    for (let i = 0; i < run.flips; i++) {
      let startedAt = performance.now();
      let change = asked(flip.takeOut());
      // Arrival times since the victim's last answer (or since the change was asked for, if it gave none).
      let sinceVictim: number[] = [];
      while (sinceVictim.length < OUT_CONFIRMATIONS) {
        const answer = await poll(startedAt, `flip ${i}: taking ${run.victim} out`);
        if (answer.body === run.victim) sinceVictim = [];
        else sinceVictim.push(answer.at);
      }
      await change;
      outs.push(sinceVictim[1] - startedAt);
      await sleep(run.settleMs);

      startedAt = performance.now();
      change = asked(flip.putBack());
      for (;;) {
        const answer = await poll(startedAt, `flip ${i}: putting ${run.victim} back`);
        if (answer.body === run.victim) {
          backs.push(answer.at - startedAt);
          break;
        }
      }
      await change;
      run.onFlip?.(i, outs[i], backs[i]);
      await sleep(run.settleMs);
    }
  } catch (error) {
    if (!(error instanceof FlipError) || run.diagnose === undefined) throw error;
    const detail = await run.diagnose().catch((e: unknown) => `(no diagnosis: ${String(e)})`);
    throw new FlipError(`${error.message}\n${detail}`, { cause: error });
  } finally {
    client.close();
  }
  return {
    outP50Ms: percentile(outs, 0.5),
    outP99Ms: percentile(outs, 0.99),
    outMaxMs: Math.max(...outs),
    backP50Ms: percentile(backs, 0.5),
    backP99Ms: percentile(backs, 0.99),
  };
}

/** Before the first flip: every instance answers, so the victim starts in rotation. */
async function waitForVictim(
  run: FlipRun,
  poll: (startedAt: number, what: string) => Promise<{ body: string }>,
): Promise<void> {
  const startedAt = performance.now();
  const seen = new Set<string>();
  while (seen.size < run.others.length + 1) {
    seen.add((await poll(startedAt, `every instance answering before the first flip`)).body);
  }
}
