export {
  ReplayError,
  ReplayInvalidError,
  ReplaySourceIncompleteError,
  ReplayTargetNotEmptyError,
  ReplayVerifyMismatchError,
  type ReplayErrorCode,
  type StateDifference,
} from './errors';
export { readLogRange } from './log-range';
export { liveStateAt, type LiveState, type LiveStateOptions } from './live-state';
export { describeDifference, firstDifference } from './compare-states';
export { ProgressMeter, etaMs, type ReplayProgress } from './progress';
export { replay, type ReplayOptions, type ReplayResult } from './replay';
export { ReplaySource, type ReplaySourceOptions, type SourceSegment } from './replay-source';
export { CassandraReplayTarget, type CassandraReplayTargetOptions } from './targets/cassandra-target';
export { EmbeddedReplayTarget, type EmbeddedReplayTargetOptions } from './targets/embedded-target';
export { ReplayFeedLog } from './targets/replay-feed-log';
export type { ReadBack, ReplayTarget } from './targets/replay-target';
export { describeUntil, parseUntil, type ReplayUntil } from './until';
export { verifyReplay, type VerifyReplayOptions, type VerifyReport } from './verify';
