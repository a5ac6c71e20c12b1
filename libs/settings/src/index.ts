export * from './listen-address';
export * from './settings';
