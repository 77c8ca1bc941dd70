import type { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../../services';
import { helpTextOf, setHelpText } from '../../inbox/helpText';
import { checkWebhooksNow } from '../../health/monitor';
import { defineRoute } from '../route';
import { text, wsParams } from '../schemas';

const helpTextSchema = z.object({ helpText: z.string(), isDefault: z.boolean() }).openapi('SmsHelpText');
const webhookCheckSchema = z
  .object({ status: z.enum(['unknown', 'ok', 'repaired', 'misconfigured', 'error']), checkedAt: z.string(), detail: z.string() })
  .openapi('WebhookCheck');

/** SMS settings for receiving: the HELP answer and the webhook health check (admin). */
export function inboundSettingsRoutes(router: Router, services: Services): void {
  const { temporal, config } = services;
  const tags = ['SMS channel'];

  defineRoute(
    router,
    { method: 'get', path: '/v1/workspaces/:ws/sms/help-text', summary: 'What HELP / INFO answers', tags, roles: ['admin'], params: wsParams, response: helpTextSchema, errors: [404] },
    ({ params }) => helpTextOf(params.ws),
  );

  defineRoute(
    router,
    {
      method: 'put',
      path: '/v1/workspaces/:ws/sms/help-text',
      summary: 'Set what HELP / INFO answers (null: the default text)',
      tags,
      roles: ['admin'],
      params: wsParams,
      body: z.object({ helpText: text(320).nullable() }).strict(),
      response: helpTextSchema,
      errors: [404],
      smsAddon: true,
    },
    ({ params, body, principal }) => setHelpText(params.ws, body.helpText, { keyId: principal.keyId, role: principal.role }),
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: '/v1/workspaces/:ws/sms/webhook-check',
      summary: "Check the connected number's webhooks at the provider now (repairs platform numbers)",
      tags,
      roles: ['admin'],
      params: wsParams,
      response: webhookCheckSchema,
      errors: [404, 409, 503],
      smsAddon: true,
    },
    ({ params }) => checkWebhooksNow(temporal, config, params.ws),
  );
}
