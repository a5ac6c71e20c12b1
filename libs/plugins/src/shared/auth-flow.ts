import type { OutgoingHttpHeaders } from 'node:http';
import type { Logger } from '@gantry/logging';
import type { ConsumerDirectory } from '../runtime/consumer-directory';
import { PluginError } from '../runtime/errors';
import type { PluginRequest } from '../runtime/plugin-request';

/** Why a request was refused: what the client gets unless an anonymous consumer takes over. */
export interface AuthRefusal {
  readonly status: number;
  readonly message: string;
  readonly headers: OutgoingHttpHeaders;
}

/** Kong's answer when something other than the client went wrong (e.g. a missing anonymous consumer). */
export const UNEXPECTED_ERROR = 'An unexpected error occurred';

/** Settings every Kong auth plugin shares. */
export interface AuthFlowOptions<R extends AuthRefusal> {
  /** The consumer (id or username) to fall back to; null to refuse instead. */
  readonly anonymous: string | null;
  /** False skips `OPTIONS` requests; plugins without Kong's `run_on_preflight` leave it out. */
  readonly runOnPreflight?: boolean;
  readonly consumers: ConsumerDirectory;
  readonly logger: Logger;
  /** How a refusal is answered; `kong.response.error` (message and request id) unless given. */
  readonly refuse?: (kong: PluginRequest, refusal: R) => void;
}

/** One attempt at authenticating: null when it succeeded (and called `kong.authenticate`). */
export type AuthAttempt<R extends AuthRefusal> = (kong: PluginRequest) => R | null | Promise<R | null>;

/**
 * Kong's flow around an auth plugin's own check. Without `anonymous`, a failure is answered (logical AND between
 * auth plugins). With it, a request another plugin already authenticated with a real credential is left alone,
 * and a failure authenticates the anonymous consumer instead (logical OR).
 */
export class AuthFlow<R extends AuthRefusal = AuthRefusal> {
  private readonly anonymous: string | null;
  private readonly skipPreflight: boolean;
  private readonly refuse: (kong: PluginRequest, refusal: R) => void;

  constructor(private readonly options: AuthFlowOptions<R>) {
    this.anonymous = options.anonymous;
    this.skipPreflight = options.runOnPreflight === false;
    this.refuse = options.refuse ?? refuseWithError;
  }

  /** Runs `attempt` under the flow; synchronous unless the attempt is. */
  run(kong: PluginRequest, attempt: AuthAttempt<R>): void | Promise<void> {
    if (this.skipPreflight && kong.method === 'OPTIONS') return;
    if (this.anonymous !== null && kong.credential !== null) return;
    const outcome = attempt(kong);
    if (outcome instanceof Promise) return outcome.then((refusal) => this.settle(kong, refusal));
    this.settle(kong, outcome);
  }

  private settle(kong: PluginRequest, refusal: R | null): void {
    if (refusal === null) return;
    if (this.anonymous === null) {
      this.refuse(kong, refusal);
      return;
    }
    const consumer = this.options.consumers.consumerByIdOrUsername(this.anonymous);
    if (consumer === undefined) {
      this.options.logger.error({ anonymous: this.anonymous }, 'anonymous consumer not found');
      throw new PluginError('misconfigured', UNEXPECTED_ERROR, 500);
    }
    kong.authenticate(consumer, null, true);
  }
}

function refuseWithError(kong: PluginRequest, refusal: AuthRefusal): void {
  kong.error(refusal.status, refusal.message, refusal.headers);
}

/** `401` with a `WWW-Authenticate` challenge, built once per config. */
export function unauthorized(message: string, challenge: string): AuthRefusal {
  return { status: 401, message, headers: { 'www-authenticate': challenge } };
}

/**
 * How nginx's `get_headers()` finds a configured header name: case-insensitively, with `_` read as `-` (nginx
 * drops client headers containing underscores, so only the dashed form can arrive).
 */
export function headerKey(name: string): string {
  return name.toLowerCase().replace(/_/g, '-');
}

/** A request header's first value (nginx's `get_header`). */
export function firstHeader(kong: PluginRequest, key: string): string | undefined {
  const value = kong.headers[key];
  return Array.isArray(value) ? value[0] : value;
}
