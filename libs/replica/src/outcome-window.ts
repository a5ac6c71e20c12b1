import type { ReplicaOutcome } from './config-replica';

/** The outcomes of the most recent `capacity` versions, so a writer can read what its append did. */
export class OutcomeWindow {
  private readonly outcomes = new Map<number, ReplicaOutcome>();

  constructor(private readonly capacity: number) {}

  add(outcome: ReplicaOutcome): void {
    this.outcomes.set(outcome.version, outcome);
    if (this.outcomes.size > this.capacity) {
      this.outcomes.delete(this.outcomes.keys().next().value as number);
    }
  }

  get(version: number): ReplicaOutcome | undefined {
    return this.outcomes.get(version);
  }
}
