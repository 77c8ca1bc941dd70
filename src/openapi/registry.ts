import { OpenAPIRegistry, extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

/**
 * Where every HTTP route describes itself: defineRoute (src/api/route.ts) from the schemas that
 * validate it, the provider webhooks beside their handlers. The API serves the document made from it.
 */
export const registry = new OpenAPIRegistry();

registry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer' });
