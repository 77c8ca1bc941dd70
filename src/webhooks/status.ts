import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { publicUrl } from '../config';
import { AppError } from '../errors';
import { registry } from '../openapi/registry';
import { describeDeliveryError } from '../provider';
import type { Services } from '../services';
import { fromProviderStatus, recordProviderStatus } from '../messaging/status';
import { verifyProviderSignature } from './verify';
import { WEBHOOK_PATHS } from '../provider/webhookUrls';

/** The parameters we read; Twilio adds others without notice, and they stay part of the signed form. */
const callbackSchema = z.object({
  MessageSid: z.string().min(1),
  MessageStatus: z.string().min(1),
  From: z.string().min(1),
  ErrorCode: z.string().optional(),
});

/** The message id our send puts in the callback URL (signed with the rest of the URL). */
const callbackQuery = z.object({ messageId: z.string().min(1).max(64) });

/**
 * POST /webhooks/twilio/status: the provider reports a message's progress. Signed with the token of
 * the account owning the sender (our number, the callback's From). Statuses only move forward;
 * repeats and late arrivals change nothing (see messaging/status.ts). Callbacks without our
 * `?messageId=` are for no message we sent.
 */
export function statusCallbackWebhook(router: Router, services: Services): void {
  const { providers, config } = services;
  registry.registerPath({
    method: 'post',
    path: WEBHOOK_PATHS.status,
    summary: 'Message status callback (signed by the provider with X-Twilio-Signature; no API key)',
    tags: ['Provider webhooks'],
    request: { body: { content: { 'application/x-www-form-urlencoded': { schema: callbackSchema } } } },
    responses: {
      '204': { description: 'Recorded (or not ours / not a status we track: nothing to do)' },
      '400': { description: 'Not a status callback' },
      '401': { description: 'No X-Twilio-Signature' },
      '403': { description: 'The signature does not match' },
    },
  });

  router.post(WEBHOOK_PATHS.status, async (req: Request, res: Response) => {
    const from = typeof req.body?.From === 'string' ? req.body.From : undefined;
    await verifyProviderSignature(req, from, { providers, publicUrl: publicUrl(config) });
    const parsed = callbackSchema.safeParse(req.body);
    if (!parsed.success) throw new AppError('validation_failed', 'Not a status callback: MessageSid, MessageStatus and From are required.');
    const { MessageSid: sid, MessageStatus, From, ErrorCode } = parsed.data;
    const status = fromProviderStatus(MessageStatus);
    const query = callbackQuery.safeParse(req.query);
    if (!status || !query.success) {
      req.log.info({ sid, status: MessageStatus }, 'status callback for no message of ours, or a status we do not track');
      res.status(204).end();
      return;
    }
    const code = ErrorCode && ErrorCode !== '0' ? ErrorCode : undefined;
    // One conditional update: it applies only to the message the provider means (same sender, same
    // sid) and only if it moves the status forward; repeats and late arrivals match nothing.
    await recordProviderStatus(query.data.messageId, { sid, from: From }, { status, ...(code && { errorCode: code, errorMessage: describeDeliveryError(code) }) });
    res.status(204).end();
  });
}
