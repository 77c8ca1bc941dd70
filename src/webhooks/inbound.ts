import type { Request, Response, Router } from 'express';
import twilio from 'twilio';
import { Counter } from 'prom-client';
import { z } from 'zod';
import { publicUrl } from '../config';
import { AppError } from '../errors';
import { metrics } from '../metrics';
import { registry } from '../openapi/registry';
import type { Services } from '../services';
import { receiveText, type InboundText } from '../inbox/sms';
import { retryTransient } from '../db/errors';
import { WEBHOOK_PATHS } from '../provider/webhookUrls';
import { verifyProviderSignature } from './verify';

export const inboundWebhooks = new Counter({
  name: 'sms_inbound_webhooks_total',
  help: 'Inbound SMS webhooks by outcome: stored, duplicate, unheld (no workspace holds the number), unknown_number',
  labelNames: ['outcome'],
  registers: [metrics],
});

const WHATSAPP = 'whatsapp:';
const strip = (address: string) => (address.startsWith(WHATSAPP) ? address.slice(WHATSAPP.length) : address);

const formSchema = z.looseObject({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, 'a Twilio message SID'),
  From: z.string().min(1).max(64),
  To: z.string().min(1).max(64),
  Body: z.string().max(1600).default(''),
  NumMedia: z.coerce.number().int().min(0).max(10).default(0),
  NumSegments: z.coerce.number().int().min(1).max(100).optional(),
});

/**
 * Media are fetched and shown by the console: only https URLs are kept. Anything else
 * (`javascript:`, `file:`, plain http) is dropped, never stored, whoever signed the webhook.
 */
function isHttpsUrl(value: string): boolean {
  if (value.length > 2000) return false;
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

/** The webhook's form, read into our terms; media come as numbered MediaUrlN / MediaContentTypeN pairs. */
function readForm(body: unknown): InboundText {
  const parsed = formSchema.safeParse(body ?? {});
  if (!parsed.success) {
    throw new AppError('validation_failed', 'This is not an inbound message webhook.', {
      body: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  const form = parsed.data;
  const media: InboundText['media'] = [];
  for (let i = 0; i < form.NumMedia; i++) {
    const url = form[`MediaUrl${i}`];
    if (typeof url === 'string' && isHttpsUrl(url)) media.push({ url, contentType: String(form[`MediaContentType${i}`] ?? 'application/octet-stream') });
  }
  return {
    sid: form.MessageSid,
    channel: form.From.startsWith(WHATSAPP) ? 'whatsapp' : 'sms',
    from: strip(form.From),
    to: strip(form.To),
    body: form.Body,
    media,
    segments: form.NumSegments,
  };
}

const twiml = (reply: string) => {
  const response = new twilio.twiml.MessagingResponse();
  response.message(reply);
  return response.toString();
};
/** The usual answer, built once. */
const EMPTY_TWIML = new twilio.twiml.MessagingResponse().toString();

/**
 * POST /webhooks/twilio/sms: the provider delivers a text sent to one of our numbers. The
 * signature is checked (with the token of the account that owns the number) before anything is
 * read or stored; the answer is TwiML, with the HELP text when asked for.
 */
export function inboundSmsWebhook(router: Router, services: Services): void {
  const { providers, config } = services;
  registry.registerPath({
    method: 'post',
    path: WEBHOOK_PATHS.inbound,
    summary: 'Inbound message webhook (signed by the provider with X-Twilio-Signature; no API key)',
    tags: ['Provider webhooks'],
    request: { body: { content: { 'application/x-www-form-urlencoded': { schema: formSchema } } } },
    responses: {
      '200': { description: 'TwiML: <Response/>, or a <Message> answering HELP', content: { 'text/xml': { schema: z.string() } } },
      '401': { description: 'No X-Twilio-Signature' },
      '403': { description: 'The signature does not match' },
    },
  });

  router.post(WEBHOOK_PATHS.inbound, async (req: Request, res: Response) => {
    const to = typeof req.body?.To === 'string' ? strip(req.body.To) : undefined;
    await verifyProviderSignature(req, to, { providers, publicUrl: publicUrl(config) });
    const text = readForm(req.body);
    // Every step is idempotent (the provider id is unique), so a whole retry is safe.
    const result = await retryTransient(() => receiveText(text));
    inboundWebhooks.inc({ outcome: result.outcome });
    if (result.outcome === 'unheld' || result.outcome === 'unknown_number') {
      // Never stored in any workspace; the sender's number and text stay out of the log too.
      req.log.warn({ to: text.to, messageSid: text.sid, outcome: result.outcome }, 'inbound message to a number nobody holds');
    }
    const reply = 'reply' in result ? result.reply : undefined;
    res.type('text/xml').send(reply ? twiml(reply) : EMPTY_TWIML);
  });
}
