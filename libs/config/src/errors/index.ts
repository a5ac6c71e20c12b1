export * from './factories';
export * from './field-errors';
export * from './kong-error';
export * from './lua-pretty';
