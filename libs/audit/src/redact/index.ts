export * from './redact';
export { isSecretPath, REDACTED } from './secret-fields';
