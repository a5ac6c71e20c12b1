import type { Address } from '../address';
import type { Clock } from '../clock';

/**
 * Gantry's recovery for passively ejected addresses, which Kong lacks. An ejection opens the circuit; after
 * the cool-down it turns half-open and the address may take exactly one request (the trial). The balancer then
 * closes the circuit (healthy again) or re-opens it for another cool-down. A trial whose result never comes
 * back is given up after one more cool-down, so an address can not stay stuck on trial.
 */
export class Circuit {
  constructor(
    private readonly clock: Clock,
    private readonly onHalfOpen: (address: Address) => void,
  ) {}

  open(address: Address, cooldownMs: number): void {
    this.clearTimer(address);
    address.circuit = 'open';
    address.selectable = address.available;
    address.circuitTimer = this.clock.setTimeout(() => {
      address.circuitTimer = undefined;
      if (address.detached || address.circuit !== 'open') return;
      address.circuit = 'half-open';
      address.selectable = true;
      this.onHalfOpen(address);
    }, cooldownMs);
  }

  /** The half-open address was picked: no other request until its trial reports back. */
  beginTrial(address: Address, cooldownMs: number): void {
    this.clearTimer(address);
    address.circuit = 'trial';
    address.selectable = address.available;
    address.circuitTimer = this.clock.setTimeout(() => {
      address.circuitTimer = undefined;
      if (address.detached || address.circuit !== 'trial') return;
      address.circuit = 'half-open';
      address.selectable = true;
    }, cooldownMs);
  }

  close(address: Address): void {
    this.clearTimer(address);
    address.circuit = 'closed';
    address.selectable = address.available;
  }

  private clearTimer(address: Address): void {
    if (address.circuitTimer !== undefined) this.clock.clearTimeout(address.circuitTimer);
    address.circuitTimer = undefined;
  }
}
