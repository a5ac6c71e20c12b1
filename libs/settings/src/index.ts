export * from './listen-address';
export * from './settings';
export * from './version';
