export { cloneState } from './clone-state';
export { explainConflicts, type RollbackConflict, type RollbackConflictKind } from './conflicts';
export { RollbackUnplannableError } from './errors';
export { planChanges, type PlanNote, type PlannedChanges } from './plan-changes';
export { planRollback, type RollbackPlan, type RollbackStep } from './plan-rollback';
