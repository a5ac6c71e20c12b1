import { DEFAULT_TARGET_PORT, formatAddress, isJsonObject, parseAddress, type Entity } from '@gantry/config';
import { BalancerError } from '../errors';
import { FieldReader } from './reader';

export interface TargetSettings {
  readonly id: string;
  readonly upstreamId: string;
  /** Normalised `host:port` (`[::1]:80` for IPv6), the key of Kong's target history. */
  readonly target: string;
  readonly host: string;
  readonly port: number;
  /** The host is an IP literal: it never touches DNS. */
  readonly isIp: boolean;
  readonly weight: number;
  /** Orders entries of one target string; the newest wins. */
  readonly createdAt: number;
}

const CODE = 'GANTRY_BALANCER_INVALID_TARGET';

/** Parses and checks a target entity; throws a {@link BalancerError} naming the bad field. */
export function parseTarget(target: Entity): TargetSettings {
  const r = new FieldReader(CODE, target, { weight: 100 });
  const upstream = target.upstream;
  if (!isJsonObject(upstream) || typeof upstream.id !== 'string') {
    throw new BalancerError(CODE, 'upstream: expected a foreign key { id }');
  }
  const raw = r.string('target');
  const parsed = parseAddress(raw);
  if ('error' in parsed) throw new BalancerError(CODE, `target: ${parsed.error}`);
  const port = parsed.port ?? DEFAULT_TARGET_PORT;
  return {
    id: r.string('id'),
    upstreamId: upstream.id,
    target: formatAddress(parsed, port),
    host: parsed.host,
    port,
    isIp: parsed.type !== 'name',
    weight: r.integer('weight', 0, 65535),
    createdAt: typeof target.created_at === 'number' ? target.created_at : 0,
  };
}
