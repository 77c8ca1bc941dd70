import type { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../../services';
import { connectNumber, disconnect, getChannelView, listSelectableNumbers, setEnabled, type ChannelDeps } from '../../numbers/channel';
import { temporalReleaseScheduler } from '../../numbers/release';
import { temporalSenderNotifier } from '../../messaging/notify';
import { setSmsAddon } from '../../workspaces/addon';
import { listAudit } from '../../audit/store';
import { actorOf } from '../auth';
import { defineRoute } from '../route';
import { listOf, numberSchema, paging, wsParams, unpaged } from '../schemas';

export const channelSchema = z
  .object({
    workspaceId: z.string(),
    status: z.enum(['not_configured', 'connected', 'disconnected']),
    enabled: z.boolean(),
    number: numberSchema.nullable(),
    addon: z.object({ active: z.boolean() }),
    webhook: z.object({ status: z.string(), checkedAt: z.string().nullable(), detail: z.string().nullable() }),
    lastInboundAt: z.string().nullable(),
    revision: z.number().int().min(0).openapi({ description: 'Changes with every saved change; send it back to refuse a save over changes made meanwhile (409).' }),
  })
  .openapi('SmsChannel');

/** The settings' revision the change was made from (optional: without it the change applies over any). */
const revisionField = z.number().int().min(0).optional();


export function channelRoutes(router: Router, services: Services): void {
  const deps: ChannelDeps = {
    releases: temporalReleaseScheduler(services.temporal, services.config.TEMPORAL_TASK_QUEUE),
    cooldownSeconds: services.config.NUMBER_COOLDOWN_SECONDS,
    senders: temporalSenderNotifier(services.temporal, services.log),
  };
  const tags = ['SMS channel'];

  defineRoute(
    router,
    { method: 'get', path: '/v1/workspaces/:ws/sms', summary: 'Read the SMS channel settings', tags, roles: ['admin', 'agent'], params: wsParams, response: channelSchema, errors: [404] },
    ({ params }) => getChannelView(params.ws),
  );

  defineRoute(
    router,
    { method: 'get', path: '/v1/workspaces/:ws/sms/numbers', summary: 'Numbers the Number dropdown offers', tags, roles: ['admin'], params: wsParams, response: listOf(numberSchema), smsAddon: true, errors: [404] },
    ({ params }) => unpaged(listSelectableNumbers(params.ws)),
  );

  defineRoute(
    router,
    {
      method: 'put',
      path: '/v1/workspaces/:ws/sms',
      summary: 'Connect a number, or switch to another (Configure → Save)',
      tags,
      roles: ['admin'],
      params: wsParams,
      body: z.object({ numberId: z.string().min(1).max(64), enabled: z.boolean().optional(), revision: revisionField }).strict(),
      response: channelSchema,
      errors: [404, 409],
      smsAddon: true,
    },
    ({ params, body, principal }) => connectNumber(deps, { workspaceId: params.ws, numberId: body.numberId, enabled: body.enabled, revision: body.revision, actor: actorOf(principal) }),
  );

  defineRoute(
    router,
    {
      method: 'patch',
      path: '/v1/workspaces/:ws/sms',
      summary: 'Stop or resume sending (the Enabled switch)',
      tags,
      roles: ['admin'],
      params: wsParams,
      body: z.object({ enabled: z.boolean(), revision: revisionField }).strict(),
      response: channelSchema,
      errors: [404, 409],
      smsAddon: true,
    },
    ({ params, body, principal }) => setEnabled(params.ws, body.enabled, actorOf(principal), body.revision, deps.senders),
  );

  defineRoute(
    router,
    { method: 'delete', path: '/v1/workspaces/:ws/sms', summary: 'Disconnect the number', tags, roles: ['admin'], params: wsParams, response: channelSchema, smsAddon: true, errors: [404, 409] },
    ({ params, principal }) => disconnect(deps, params.ws, actorOf(principal)),
  );

  defineRoute(
    router,
    {
      method: 'put',
      path: '/v1/workspaces/:ws/addons/sms',
      summary: 'Turn the Text Messages add-on on or off (billing)',
      tags: ['Billing'],
      roles: ['admin'],
      params: wsParams,
      body: z.object({ active: z.boolean() }).strict(),
      response: z.object({ active: z.boolean() }),
      errors: [404],
    },
    ({ params, body, principal }) => setSmsAddon(params.ws, body.active, actorOf(principal)),
  );

  const auditEntry = z.object({
    id: z.string(),
    action: z.string(),
    actor: z.object({ keyId: z.string(), role: z.string() }),
    before: z.unknown(),
    after: z.unknown(),
    at: z.string(),
  });
  defineRoute(
    router,
    {
      method: 'get',
      path: '/v1/workspaces/:ws/audit',
      summary: 'The audit trail of configuration changes, newest first',
      tags,
      roles: ['admin'],
      params: wsParams,
      query: paging,
      response: listOf(auditEntry),
    },
    async ({ params, query }) => {
      const { items, nextCursor } = await listAudit(params.ws, query.limit, query.cursor);
      const data = items.map((e) => ({
        id: e._id,
        action: e.action,
        actor: { keyId: e.actor?.keyId ?? '', role: e.actor?.role ?? '' },
        before: e.before,
        after: e.after,
        at: e.at.toISOString(),
      }));
      return { data, nextCursor };
    },
  );
}
