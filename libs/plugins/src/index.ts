export { ConsumerDirectory, type CredentialMatch } from './runtime/consumer-directory';
export { PluginError, type PluginErrorCode } from './runtime/errors';
export { serializeLog, type SerializedLog } from './runtime/log-serializer';
export { PluginCatalog } from './runtime/plugin-catalog';
export { PluginChain, type ChainEntry, type PluginInstance } from './runtime/plugin-chain';
export type {
  ClusterCounterStore,
  GatewayFacts,
  PluginDefinition,
  PluginEntityFacts,
  PluginEnvironment,
  PluginHandler,
  ResponseView,
} from './runtime/plugin-definition';
export { PluginRequest, type PluginExit, type PluginRequestInit, type ResponseFacts } from './runtime/plugin-request';
export { PluginRuntime } from './runtime/plugin-runtime';
export { BUNDLED_PLUGINS, bundledCatalog, bundledPluginSchemas } from './bundled';
export { CassandraCounterStore } from './rate-limiting/cassandra-counter-store';
