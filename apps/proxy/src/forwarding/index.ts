export * from './errors';
export * from './forwarder-options';
export * from './kong-errors';
export * from './service-forwarder';
export * from './trusted-proxies';
export * from './types';
