import type { Address } from '../address';
import type { ActiveTarget } from '../target-pool';
import type { AddressHealth, AddressHealthValue, TargetHealth, TargetHealthValue } from '../types';

function addressHealth(a: Address, checksOn: boolean): AddressHealth {
  const health: AddressHealthValue = !checksOn ? 'HEALTHCHECKS_OFF' : a.available ? 'HEALTHY' : 'UNHEALTHY';
  return { ip: a.address, port: a.port, weight: a.weight, health, circuit: a.circuit };
}

/**
 * One target as Kong's health endpoint shows it: DNS_ERROR without addresses, else HEALTHY when any address is
 * healthy, UNHEALTHY when none is, and HEALTHCHECKS_OFF when checks are off.
 */
export function targetHealth(t: ActiveTarget, checksOn: boolean): TargetHealth {
  const addresses = t.addresses.map((a) => addressHealth(a, checksOn));
  let health: TargetHealthValue = 'DNS_ERROR';
  if (addresses.length > 0) {
    health = !checksOn ? 'HEALTHCHECKS_OFF' : addresses.some((a) => a.health === 'HEALTHY') ? 'HEALTHY' : 'UNHEALTHY';
  }
  return { id: t.settings.id, target: t.settings.target, weight: t.settings.weight, health, dns: t.dns, addresses };
}
