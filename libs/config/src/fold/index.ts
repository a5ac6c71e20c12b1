export { applyEvent, checkChanges, type CheckResult, type FoldOutcome } from './apply';
export { hashCanonicalEntities, hashStateEntities } from './canonical-entities';
export { Utf8Blocks } from './utf8-blocks';
export { verifyState } from './integrity';
export type { AppliedChange } from './mutations';
export { buildState, diffStates, type BuildResult } from './replace';
export { SNAPSHOT_SCHEMA_VERSION, restoreState, snapshotState, stateHash, type StateSnapshot } from './snapshot';
export * from './state';
