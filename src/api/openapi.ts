import { OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { registry } from '../openapi/registry';

export { registry };

export const errorSchema = registry.register(
  'Error',
  z.object({
    error: z.object({
      code: z.string().openapi({ example: 'validation_failed' }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  }),
);

export function openApiDocument() {
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'sms-channel API',
      version: '1.0.0',
      description: 'The SMS / Text Messages channel: settings, numbers, custom-number requests, messages and inbox.',
    },
  });
}
