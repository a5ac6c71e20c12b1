export * from './entity-checks';
export * from './messages';
export * from './paths';
export * from './render';
export * from './types';
export * from './validate';
export * from './validators';
