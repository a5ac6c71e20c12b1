export { exportDeclarative, exportDeclarativeJson, type DeclarativeExportOptions } from './export';
export { deterministicUuid } from './ids';
export { DECLARATIVE_FORMAT_VERSION } from './layout';
export { parseDeclarative, type DeclarativeEntity, type DeclarativeOptions, type DeclarativeResult } from './parse';
