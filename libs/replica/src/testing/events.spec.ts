import { ReplicaFold } from '../fold/replica-fold';
import { mixedLog } from './events';

it('mixedLog exercises applied, rejected, duplicate and cascade outcomes', () => {
  const fold = new ReplicaFold();
  const outcomes = [...mixedLog(1), ...mixedLog(2)].map((value, i) =>
    fold.apply({ version: i + 1, key: null, value, timestamp: i }),
  );
  expect(outcomes.slice(0, 9).map((o) => o.status)).toEqual([
    'applied',
    'applied',
    'applied',
    'rejected',
    'duplicate',
    'rejected',
    'applied',
    'applied',
    'applied',
  ]);
  const cascade = outcomes[6];
  expect(cascade.status === 'applied' && cascade.applied.filter((c) => c.cascade).length).toBe(2);
  expect(outcomes.slice(9).map((o) => o.status)).toEqual(outcomes.slice(0, 9).map((o) => o.status));
});
