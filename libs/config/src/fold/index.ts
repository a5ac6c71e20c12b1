export { applyEvent, checkChanges, type CheckResult, type FoldOutcome } from './apply';
export { verifyState } from './integrity';
export type { AppliedChange } from './mutations';
export { buildState, diffStates, type BuildResult } from './replace';
export {
  SNAPSHOT_SCHEMA_VERSION,
  restoreState,
  snapshotHash,
  snapshotState,
  stateHash,
  type StateSnapshot,
} from './snapshot';
export * from './state';
