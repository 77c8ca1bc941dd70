import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { publicUrl } from '../config';
import { AppError } from '../errors';
import { Message } from '../db/models';
import { registry } from '../api/openapi';
import { describeDeliveryError } from '../provider';
import type { Services } from '../services';
import { fromProviderStatus, recordEarlyStatus, recordStatus } from '../messaging/status';
import { verifyProviderSignature } from './verify';

/** The parameters we read; Twilio adds others without notice, and they stay part of the signed form. */
const callbackSchema = z.object({
  MessageSid: z.string().min(1),
  MessageStatus: z.string().min(1),
  From: z.string().min(1),
  ErrorCode: z.string().optional(),
});

/** The message id our send put in the callback URL (absent on callbacks of messages sent before it did). */
const callbackQuery = z.object({ messageId: z.string().min(1).max(64).optional() });

/**
 * Without a message id in the URL (messages sent before it was added) the sid is the only key, and
 * our create's answer (with the sid) and the first callback can cross: the answer is recorded
 * milliseconds later, so the callback waits this long for it.
 */
const SID_WAIT_MS = [50, 100, 200, 400, 800];

/**
 * The message the callback is about. By the id in its URL (a read by _id; the signature covers the
 * URL): `handedOver` false when our send has not recorded the provider's answer yet. Else by sid
 * (a scan on FerretDB).
 */
async function findCallbackMessage(sid: string, messageId: string | undefined) {
  if (messageId) {
    const message = await Message.findById(messageId, { from: 1, providerSid: 1 }).lean();
    if (!message) return null;
    if (!message.providerSid) return { message, handedOver: false };
    return message.providerSid === sid ? { message, handedOver: true } : null;
  }
  for (const pause of [0, ...SID_WAIT_MS]) {
    if (pause) await new Promise((r) => setTimeout(r, pause));
    const message = await Message.findOne({ providerSid: sid }, { _id: 1, from: 1 }).lean();
    if (message) return { message, handedOver: true };
  }
  return null;
}

/**
 * POST /webhooks/twilio/status: the provider reports a message's progress. Signed with the token of
 * the account owning the sender (our number, the callback's From). Statuses only move forward;
 * repeats and late arrivals change nothing (see messaging/status.ts).
 */
export function statusCallbackWebhook(router: Router, services: Services): void {
  const { providers, config } = services;
  registry.registerPath({
    method: 'post',
    path: '/webhooks/twilio/status',
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

  router.post('/webhooks/twilio/status', async (req: Request, res: Response) => {
    const from = typeof req.body?.From === 'string' ? req.body.From : undefined;
    await verifyProviderSignature(req, from, { providers, publicUrl: publicUrl(config) });
    const parsed = callbackSchema.safeParse(req.body);
    if (!parsed.success) throw new AppError('validation_failed', 'Not a status callback: MessageSid, MessageStatus and From are required.');
    const { MessageSid: sid, MessageStatus, From, ErrorCode } = parsed.data;
    const status = fromProviderStatus(MessageStatus);
    const query = callbackQuery.safeParse(req.query);
    const found = status ? await findCallbackMessage(sid, query.success ? query.data.messageId : undefined) : null;
    if (!status || !found || found.message.from !== From) {
      req.log.info({ sid, status: MessageStatus }, 'status callback for no message of ours, or a status we do not track');
      res.status(204).end();
      return;
    }
    const code = ErrorCode && ErrorCode !== '0' ? ErrorCode : undefined;
    const change = { status, ...(code && { errorCode: code, errorMessage: describeDeliveryError(code) }) };
    await (found.handedOver ? recordStatus(found.message._id, change) : recordEarlyStatus(found.message._id, change));
    res.status(204).end();
  });
}
