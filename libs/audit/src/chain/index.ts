export * from './chain-checker';
export * from './chain-hash';
export * from './chain-keys';
export * from './chain-source';
export {
  ChainError,
  ChainFileCorruptError,
  ChainGapError,
  ChainKeyError,
  ChainRangeError,
  type ChainErrorCode,
} from './errors';
export * from './event-chain';
export { expectedEventColumns } from './event-columns';
export * from './verify-chain';
export { EmbeddedChain, type EmbeddedChainOptions } from './embedded/embedded-chain';
