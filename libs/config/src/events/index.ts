export * from './builders';
export * from './canonical-json';
export * from './codec';
export * from './types';
