export { buildContext, randomKey, type BuildContext } from './context';
export { resolveForeignKeys } from './foreign';
export { findByIdOrKey, type LookupScope } from './lookup';
export { materializeEntity, type MaterializeResult } from './materialize';
export { mergeForPatch } from './merge';
export { prepareChange, type AdminOp, type PrepareRequest, type PrepareResult } from './prepare';
