import type { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../../services';
import { AppError, notFound } from '../../errors';
import type { SenderStart } from '../../temporal/sender';
import { acceptMessage } from '../../messaging/accept';
import { temporalSenderCancel, temporalSenderQueue } from '../../messaging/enqueue';
import { cancelMessage } from '../../messaging/cancel';
import { checkSendAt } from '../../messaging/schedule';
import { mediaRoute } from './media';
import { toMessageView } from '../../messaging/view';
import { findMessage } from '../../messaging/store';
import { defineRoute } from '../route';
import { messageSchema, wsParams } from '../schemas';

const MAX_BODY_CHARS = 1600;

/** Something other than white space (a whitespace-only text reaches a handset as an empty bubble). */
const VISIBLE_TEXT = /\S/;
/** No C0/C1 control characters but tab and line breaks (LF, or CR LF): a NUL or an escape sequence has no place in a text. */
// eslint-disable-next-line no-control-regex
const NO_CONTROL_CHARACTERS = /^(?:[^\u0000-\u0008\u000B-\u001F\u007F-\u009F]|\r\n)*$/;

const sendBody = z
  .object({
    channel: z.literal('sms'),
    to: z.string().min(1).max(40).openapi({ description: 'E.164, or a national number read with the workspace’s default country' }),
    body: z
      .string()
      .min(1)
      .regex(VISIBLE_TEXT, 'must contain some text, not only spaces or line breaks')
      .regex(NO_CONTROL_CHARACTERS, 'must not contain control characters (other than line breaks and tabs)')
      .refine((b) => [...b].length <= MAX_BODY_CHARS, `at most ${MAX_BODY_CHARS} characters`)
      // The two patterns as one (OpenAPI keeps one); JSON Schema counts length in code points, as the refine does.
      .openapi({ pattern: `^(?=[\\s\\S]*\\S)${NO_CONTROL_CHARACTERS.source.slice(1)}`, maxLength: MAX_BODY_CHARS }),
    mediaUrls: z
      .array(z.url({ protocol: /^https$/ }).max(2000).openapi({ pattern: '^https://' }))
      .max(10)
      .optional()
      .openapi({ description: 'Pictures (MMS): at most 10 https URLs the provider fetches' }),
    sendAt: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: 'Schedule it: not sent before this time (ISO 8601; in the future, within SCHEDULE_HORIZON_DAYS); its validity period counts from then' }),
  })
  .strict();

const messageParams = wsParams.extend({ id: z.string().min(1).max(64) });

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

export function messageRoutes(router: Router, services: Services): void {
  const { config, temporal } = services;
  const timings: SenderStart['timings'] = {
    backoffMs: config.MESSAGE_BACKOFF_SECONDS * 1000,
    backoffMaxMs: config.MESSAGE_BACKOFF_MAX_SECONDS * 1000,
    paceRecoveryMs: config.PACE_RECOVERY_SECONDS * 1000,
    finalStatusWaitMs: config.MESSAGE_FINAL_STATUS_WAIT_SECONDS * 1000,
    idleMs: config.SENDER_IDLE_SECONDS * 1000,
  };
  const enqueue = temporalSenderQueue(temporal, config.TEMPORAL_TASK_QUEUE, timings);
  const deps = { enqueue, validitySeconds: config.MESSAGE_VALIDITY_SECONDS, refusedDestinationTypes: config.REFUSED_DESTINATION_TYPES };
  const tellSender = temporalSenderCancel(temporal);
  const tags = ['Messages'];

  defineRoute(
    router,
    {
      method: 'post',
      path: '/v1/workspaces/:ws/messages',
      summary: 'Send a message (SMS): accepted now, sent at the number’s pace. Header Idempotency-Key makes retries safe.',
      tags,
      roles: ['admin', 'agent'],
      params: wsParams,
      body: sendBody,
      status: 202,
      response: messageSchema,
      errors: [402, 404, 409, 422, 503],
      // 422: send_at_not_in_future, send_at_beyond_horizon (besides the recipient's codes)
    },
    async ({ params, body, principal, req }) => {
      const key = req.get('idempotency-key');
      if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
        throw new AppError('validation_failed', 'The Idempotency-Key header must be 1 to 200 visible ASCII characters.', { header: 'Idempotency-Key' });
      }
      const sendAt = body.sendAt === undefined ? undefined : new Date(body.sendAt);
      if (sendAt) checkSendAt(sendAt, new Date(), config.SCHEDULE_HORIZON_DAYS);
      return acceptMessage(deps, { workspaceId: params.ws, to: body.to, body: body.body, mediaUrls: body.mediaUrls, sendAt, idempotencyKey: key, sentBy: principal.keyId });
    },
  );

  defineRoute(
    router,
    {
      method: 'get',
      path: '/v1/workspaces/:ws/messages/:id',
      summary: 'A message: its status and history, and the provider’s error code with what it means',
      tags,
      roles: ['admin', 'agent'],
      params: messageParams,
      response: messageSchema,
      errors: [404],
    },
    async ({ params }) => {
      const message = await findMessage(params.ws, params.id);
      if (!message) throw notFound('Message');
      return toMessageView(message);
    },
  );

  defineRoute(
    router,
    {
      method: 'delete',
      path: '/v1/workspaces/:ws/messages/:id',
      summary: 'Cancel a message that has not started to leave (scheduled, or still waiting in its number’s queue): it ends cancelled',
      tags,
      roles: ['admin', 'agent'],
      params: messageParams,
      response: messageSchema,
      errors: [404, 409],
    },
    ({ params, req }) => cancelMessage(tellSender, params.ws, params.id, (err) => req.log.warn({ err, messageId: params.id }, 'the sender could not be told of a cancel')),
  );

  mediaRoute(router, services, messageParams);
}
