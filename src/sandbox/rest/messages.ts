import { Router, type Request } from 'express';
import type { Carrier } from '../carrier';
import { buildMessage, MAX_VALIDITY_SECONDS } from '../message';
import type { Account, NumberType, SandboxMessage } from '../types';
import { notFound, TwilioApiError } from './errors';
import { delay, pageSize, str, strs } from './params';
import { page, renderMessage } from './render';

const E164 = /^\+[1-9]\d{7,14}$/;
const MAX_BODY_CHARS = 1600;

const CONTENT_TYPES: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', mp4: 'video/mp4', pdf: 'application/pdf' };
const contentTypeOf = (url: string) => CONTENT_TYPES[/\.([a-z0-9]+)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase() ?? ''] ?? 'application/octet-stream';

/** The sending number of the account, or a sender ID it registered (only towards countries that allow them). */
function senderOf(carrier: Carrier, account: Account, from: string, to: string): { type: NumberType } {
  if (!E164.test(from) && carrier.senders.isRegistered(account.accountSid, from)) {
    if (carrier.config.alphaBlockedPrefixes.some((p) => to.startsWith(p))) {
      throw new TwilioApiError(400, 21612, `The 'To' phone number ${to} is not currently reachable using the 'From' sender ID ${from} via SMS.`);
    }
    return { type: 'alphanumeric' };
  }
  const sender = carrier.numbers.byPhoneNumber(from);
  if (!sender || sender.accountSid !== account.accountSid) {
    throw new TwilioApiError(400, 21606, "The 'From' phone number provided is not a valid message-capable phone number for this destination.");
  }
  return sender;
}

/** Request-time checks, in Twilio's order; each failure is Twilio's code and wording. */
function checkSend(carrier: Carrier, account: Account, to: string | undefined, from: string | undefined, body: string, media: string[]) {
  const { config, handsets } = carrier;
  if (!to) throw new TwilioApiError(400, 21604, "A 'To' phone number is required.");
  if (!from) throw new TwilioApiError(400, 21603, "A 'From' phone number is required.");
  if (!body && media.length === 0) throw new TwilioApiError(400, 21602, 'Message body is required.');
  if (!E164.test(to) || config.invalidPrefixes.some((p) => to.startsWith(p))) {
    throw new TwilioApiError(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
  }
  const sender = senderOf(carrier, account, from, to);
  if (config.landlinePrefixes.some((p) => to.startsWith(p))) {
    throw new TwilioApiError(400, 21614, `'To' number ${to} is not a mobile number`);
  }
  let chars = 0;
  for (const _ of body) chars++;
  if (chars > MAX_BODY_CHARS) throw new TwilioApiError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
  if (handsets.isBlocked(to, from)) throw new TwilioApiError(400, 21610, 'Attempt to send to unsubscribed recipient');
  return sender;
}

function validitySeconds(v: string | undefined): number {
  const n = Number.parseInt(v ?? '', 10);
  return Number.isFinite(n) && n >= 1 ? Math.min(n, MAX_VALIDITY_SECONDS) : MAX_VALIDITY_SECONDS;
}

/** `DateSent`, `DateSent<` and `DateSent>` as Twilio reads them: on that day, on or before, on or after. */
function dateSentFilter(q: Request['query']): (m: SandboxMessage) => boolean {
  const DAY = 86_400_000;
  const bound = (v: string | undefined, endOfDay: boolean) => {
    if (!v) return null;
    const t = Date.parse(v);
    if (Number.isNaN(t)) throw new TwilioApiError(400, 20001, `Invalid date: ${v}`);
    return /^\d{4}-\d{2}-\d{2}$/.test(v) && endOfDay ? t + DAY - 1 : t;
  };
  const on = str(q['DateSent']);
  const onDay = on ? Date.parse(on.slice(0, 10)) : null;
  const before = bound(str(q['DateSent<']), true);
  const after = bound(str(q['DateSent>']), false);
  if (onDay === null && before === null && after === null) return () => true;
  return (m) =>
    m.dateSent !== null &&
    (onDay === null || (m.dateSent >= onDay && m.dateSent < onDay + DAY)) &&
    (before === null || m.dateSent <= before) &&
    (after === null || m.dateSent >= after);
}

export function messagesRouter(carrier: Carrier): Router {
  const router = Router({ mergeParams: true });
  const { faults, store, network } = carrier;

  router.post('/Messages.json', async (req, res) => {
    const account = res.locals.account as Account;
    await delay(faults.latency('create'));
    const injected = faults.createError();
    if (injected) {
      if (injected.retryAfterSeconds !== undefined) res.set('Retry-After', String(injected.retryAfterSeconds));
      throw injected.error;
    }
    const b = (req.body ?? {}) as Record<string, unknown>;
    const to = str(b.To);
    const from = str(b.From);
    const body = str(b.Body) ?? '';
    const mediaUrls = strs(b.MediaUrl);
    const sender = checkSend(carrier, account, to, from, body, mediaUrls);
    const msg = store.add(
      buildMessage({
        accountSid: account.accountSid,
        direction: 'outbound-api',
        from: from!,
        to: to!,
        body,
        media: mediaUrls.map((url) => ({ url, contentType: contentTypeOf(url) })),
        status: 'queued',
        statusCallback: str(b.StatusCallback) ?? null,
        validitySeconds: validitySeconds(str(b.ValidityPeriod)),
      }),
    );
    network.submit(msg, sender.type);
    if (faults.dropResponse()) {
      // The ambiguous failure: accepted and queued, but the caller never hears so.
      req.socket.destroy();
      return;
    }
    res.status(201).json(renderMessage(msg));
  });

  router.get('/Messages/:Sid.json', async (req, res) => {
    const account = res.locals.account as Account;
    await delay(faults.latency('fetch'));
    const msg = store.get(String(req.params.Sid));
    if (!msg || msg.accountSid !== account.accountSid) throw notFound(`/2010-04-01/Accounts/${account.accountSid}/Messages/${req.params.Sid}.json`);
    res.json(renderMessage(msg));
  });

  router.get('/Messages.json', async (req, res) => {
    const account = res.locals.account as Account;
    await delay(faults.latency('list'));
    const to = str(req.query.To);
    const from = str(req.query.From);
    const sentOk = dateSentFilter(req.query);
    const size = pageSize(req.query.PageSize);
    const pageNo = Number.parseInt(str(req.query.Page) ?? '0', 10) || 0;
    const all = store.forAccount(account.accountSid);
    // Newest first; a PageToken (PA + sid) resumes just before the last message of the previous page.
    const token = str(req.query.PageToken);
    const tokenMsg = token ? store.get(token.slice(2)) : undefined;
    let i = tokenMsg && tokenMsg.accountSid === account.accountSid ? tokenMsg.accountIndex - 1 : all.length - 1;
    const records: SandboxMessage[] = [];
    let more = false;
    for (; i >= 0; i--) {
      const m = all[i];
      if ((to && m.to !== to) || (from && m.from !== from) || !sentOk(m)) continue;
      if (records.length === size) {
        more = true;
        break;
      }
      records.push(m);
    }
    const query = new URLSearchParams();
    for (const k of ['To', 'From', 'DateSent', 'DateSent<', 'DateSent>']) {
      const v = str(req.query[k]);
      if (v) query.set(k, v);
    }
    res.json(
      page('messages', records.map(renderMessage), {
        path: `/2010-04-01/Accounts/${account.accountSid}/Messages.json`,
        query,
        page: pageNo,
        pageSize: size,
        nextToken: more ? `PA${records[records.length - 1].sid}` : null,
      }),
    );
  });

  return router;
}
