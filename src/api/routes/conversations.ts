import type { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../../services';
import { CHANNELS, MESSAGE_STATUSES } from '../../vocabulary';
import { closeConversation, getConversation, listConversations, listMessages, markRead, reopenConversation } from '../../inbox/conversations';
import { replyToVisitor } from '../../webchat/reply';
import { defineRoute } from '../route';
import { listOf, messageSchema, paging, text, wsParams } from '../schemas';
import { webchatRoutes } from './webchat';
import { inboundSettingsRoutes } from './inboundSettings';

export const conversationSchema = z
  .object({
    id: z.string(),
    channel: z.enum(CHANNELS),
    status: z.enum(['open', 'closed']),
    contact: z.object({ id: z.string(), address: z.string(), name: z.string().nullable(), optedOut: z.boolean() }),
    unreadCount: z.number().int(),
    lastMessageAt: z.string(),
    lastMessagePreview: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Conversation');

const conversationParams = wsParams.extend({ id: z.string().min(1).max(64) });

/**
 * The unified inbox, for agents and admins. It is cross-channel, so it does not stand behind the
 * SMS add-on: a workspace without it still reads its web chat, and keeps reading the SMS history it has.
 */
export function conversationRoutes(router: Router): void {
  const tags = ['Inbox'];
  const roles = ['admin', 'agent'] as const;

  defineRoute(
    router,
    {
      method: 'get',
      path: '/v1/workspaces/:ws/conversations',
      summary: 'Conversations across channels, newest activity first',
      tags,
      roles,
      params: wsParams,
      query: paging.extend({ channel: z.enum(CHANNELS).optional(), status: z.enum(['open', 'closed']).optional() }),
      response: listOf(conversationSchema),
      errors: [404],
    },
    ({ params, query }) => listConversations(params.ws, query),
  );

  defineRoute(
    router,
    { method: 'get', path: '/v1/workspaces/:ws/conversations/:id', summary: 'One conversation', tags, roles, params: conversationParams, response: conversationSchema, errors: [404] },
    ({ params }) => getConversation(params.ws, params.id),
  );

  defineRoute(
    router,
    {
      method: 'get',
      path: '/v1/workspaces/:ws/conversations/:id/messages',
      summary: "A thread's messages, oldest first; by default with the contact's earlier threads on the channel (scope=history)",
      tags,
      roles,
      params: conversationParams,
      query: paging.extend({
        direction: z.enum(['inbound', 'outbound']).optional(),
        status: z.enum(MESSAGE_STATUSES).optional(),
        scope: z.enum(['history', 'conversation']).default('history'),
      }),
      response: listOf(messageSchema),
      errors: [404],
    },
    ({ params, query }) => listMessages(params.ws, params.id, query),
  );

  for (const [action, summary, run] of [
    ['read', 'Mark the conversation read (unread count to 0)', markRead],
    ['close', 'Close the conversation; the contact’s next message opens a new one', closeConversation],
    ['reopen', 'Reopen a closed conversation (409 when another one with the contact is open)', reopenConversation],
  ] as const) {
    defineRoute(
      router,
      { method: 'post', path: `/v1/workspaces/:ws/conversations/:id/${action}`, summary, tags, roles, params: conversationParams, response: conversationSchema, errors: [404, 409] },
      ({ params }) => run(params.ws, params.id),
    );
  }

  defineRoute(
    router,
    {
      method: 'post',
      path: '/v1/workspaces/:ws/conversations/:id/messages',
      summary: 'Reply to a web-chat visitor (SMS replies: POST /v1/workspaces/{ws}/messages)',
      tags,
      roles,
      params: conversationParams,
      body: z.object({ body: text(2000) }).strict(),
      status: 201,
      response: z.object({ id: z.string(), conversationId: z.string(), createdAt: z.string() }),
      errors: [404, 409],
    },
    async ({ params, body, principal }) => {
      const stored = await replyToVisitor(params.ws, params.id, body.body, principal.keyId);
      return { id: stored.id, conversationId: params.id, createdAt: stored.createdAt.toISOString() };
    },
  );
}

/** The inbox, web chat and inbound settings, mounted at once (the provider webhooks: routes/webhooks.ts). */
export function inboxRoutes(router: Router, services: Services): void {
  conversationRoutes(router);
  webchatRoutes(router, services);
  inboundSettingsRoutes(router, services);
}
