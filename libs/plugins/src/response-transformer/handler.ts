import type { PluginDefinition, PluginHandler, ResponseView } from '../runtime/plugin-definition';
import type { PluginRequest } from '../runtime/plugin-request';
import { compileHeaderOperations, transformResponseHeaders } from './header-operations';
import { compileJsonOperations, transformJsonBody } from './json-body';
import { JsonContentTest } from './json-content';
import { responseTransformerSchema, type ResponseTransformerConfig } from './schema';

function createHandler(config: ResponseTransformerConfig): PluginHandler {
  const headerOps = compileHeaderOperations(config);
  const jsonOps = compileJsonOperations(config);
  const jsonContent = new JsonContentTest();

  return {
    response(_kong: PluginRequest, view: ResponseView): void {
      const before = transformResponseHeaders(view.headers, headerOps);
      // The body is about to change: the gateway sets Content-Length from the rewritten buffer.
      if (jsonOps.any && jsonContent.test(before['content-type'])) delete view.headers['content-length'];
    },

    wantsBody(_kong: PluginRequest, view: ResponseView): boolean {
      return jsonOps.any && jsonContent.test(view.headers['content-type']);
    },

    body(_kong: PluginRequest, body: Buffer): Buffer {
      return transformJsonBody(body, jsonOps) ?? body;
    },
  };
}

/** Transforms the response on its way to the client: headers, and the body when it is JSON. */
export const responseTransformer: PluginDefinition<ResponseTransformerConfig> = {
  name: 'response-transformer',
  priority: 800,
  version: '3.9.0',
  schema: responseTransformerSchema,
  create: createHandler,
};
