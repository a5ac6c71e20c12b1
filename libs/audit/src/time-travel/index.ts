export { BadPointError, type TimeTravelErrorCode } from './errors';
export { HistoryRecordSource, type HistoryRecordSourceOptions } from './history-record-source';
export { LogRecordSource } from './log-record-source';
export { MemoryRecordSource } from './memory-record-source';
export { parsePoint, parseRfc3339, type Point } from './point';
export { eventTimeOf, type RecordSource } from './record-source';
export { TimeTravel, type PastState, type ResolvedPoint, type TimeTravelOptions } from './time-travel';
export { timeTravelFor, type TimeTravelBackends } from './time-travel-for';
export { exportRedacted, exportRedactedJson } from './redacted-export';
