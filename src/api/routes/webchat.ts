import type { Router } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import type { Services } from '../../services';
import { AppError } from '../../errors';
import { authenticateVisitor, postVisitorMessage, startSession, visitorMessages } from '../../webchat/sessions';
import { defineRoute } from '../route';
import { MongoRateStore } from '../rateLimitStore';
import { listOf, paging, text, wsParams } from '../schemas';

const visitorMessageSchema = z
  .object({ id: z.string(), direction: z.enum(['inbound', 'outbound']), body: z.string(), createdAt: z.string() })
  .openapi('WebchatMessage');

/**
 * The public web chat: no API key, a visitor token instead, and a rate limit per client address
 * and workspace, counted in the database so that it holds across API replicas.
 */
export function webchatRoutes(router: Router, services: Services): void {
  const { config } = services;
  router.use(
    '/v1/webchat/:ws',
    rateLimit({
      windowMs: config.WEBCHAT_RATE_WINDOW_SECONDS * 1000,
      limit: config.WEBCHAT_RATE_LIMIT,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      store: new MongoRateStore('webchat:'),
      passOnStoreError: true,
      keyGenerator: (req) => `${ipKeyGenerator(req.ip ?? '')}|${req.params.ws}`,
      handler: (_req, _res, next, options) =>
        next(new AppError('rate_limited', `Too many chat requests; try again in ${Math.ceil(options.windowMs / 1000)} seconds.`)),
    }),
  );
  const tags = ['Web chat (public)'];

  defineRoute(
    router,
    {
      method: 'post',
      path: '/v1/webchat/:ws/sessions',
      summary: 'A visitor starts a chat; the token in the answer is shown once and authorises the visitor',
      tags,
      params: wsParams,
      body: z.object({ name: text(100).optional() }).strict(),
      status: 201,
      response: z.object({ sessionId: z.string(), token: z.string() }),
      errors: [404, 429],
    },
    ({ params, body }) => startSession(params.ws, body),
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: '/v1/webchat/:ws/messages',
      summary: 'The visitor writes (Authorization: Bearer <visitor token>)',
      tags,
      params: wsParams,
      body: z.object({ body: text(2000) }).strict(),
      status: 201,
      response: visitorMessageSchema,
      errors: [401, 429],
    },
    async ({ params, body, req }) => postVisitorMessage(await authenticateVisitor(params.ws, req.get('authorization')), body.body),
  );

  defineRoute(
    router,
    {
      method: 'get',
      path: '/v1/webchat/:ws/messages',
      summary: "The visitor's chat, oldest first (Authorization: Bearer <visitor token>)",
      tags,
      params: wsParams,
      query: paging,
      response: listOf(visitorMessageSchema),
      errors: [401, 429],
    },
    async ({ params, query, req }) => visitorMessages(await authenticateVisitor(params.ws, req.get('authorization')), query),
  );
}
