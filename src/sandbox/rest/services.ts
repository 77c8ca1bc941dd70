import { Router } from 'express';
import type { Carrier } from '../carrier';
import { ALPHA_SENDER, type AlphaSender, type MessagingService } from '../senders';
import type { Account } from '../types';
import { notFound, TwilioApiError } from './errors';
import { str } from './params';

/** The Messaging API's v1 subset for sender IDs; its shapes are snake_case with ISO 8601 dates and a `meta` page. */

const BASE = 'https://messaging.twilio.com/v1/Services';
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const renderService = (s: MessagingService) => ({
  account_sid: s.accountSid,
  sid: s.sid,
  friendly_name: s.friendlyName,
  date_created: iso(s.dateCreated),
  date_updated: iso(s.dateUpdated),
  url: `${BASE}/${s.sid}`,
  links: { alpha_senders: `${BASE}/${s.sid}/AlphaSenders` },
});

const renderAlpha = (a: AlphaSender) => ({
  account_sid: a.accountSid,
  service_sid: a.serviceSid,
  sid: a.sid,
  alpha_sender: a.alphaSender,
  capabilities: ['SMS'],
  date_created: iso(a.dateCreated),
  date_updated: iso(a.dateUpdated),
  url: `${BASE}/${a.serviceSid}/AlphaSenders/${a.sid}`,
});

/** One page holding everything (the lists here are short), in the v1 `meta` form twilio-node reads. */
const onePage = <T>(key: string, url: string, items: T[]) => ({
  [key]: items,
  meta: { page: 0, page_size: Math.max(items.length, 50), first_page_url: url, previous_page_url: null, next_page_url: null, url, key },
});

export function servicesRouter(carrier: Carrier): Router {
  const router = Router();
  const { senders } = carrier;

  const service = (account: Account, sid: string) => {
    const s = senders.service(account.accountSid, sid);
    if (!s) throw notFound(`/v1/Services/${sid}`);
    return s;
  };

  router.post('/', (req, res) => {
    const name = str((req.body ?? {}).FriendlyName);
    if (!name) throw new TwilioApiError(400, 20001, 'Missing required parameter FriendlyName in the post body');
    res.status(201).json(renderService(senders.addService(res.locals.account.accountSid, name)));
  });

  router.get('/', (_req, res) => {
    res.json(onePage('services', BASE, senders.listServices(res.locals.account.accountSid).map(renderService)));
  });

  router.post('/:Sid/AlphaSenders', (req, res) => {
    const s = service(res.locals.account, String(req.params.Sid));
    const alpha = str((req.body ?? {}).AlphaSender);
    // (unverified) Twilio's codes for these two cases; the wording says what is wrong either way
    if (!alpha || !ALPHA_SENDER.test(alpha)) {
      throw new TwilioApiError(400, 21709, 'AlphaSender must be 1 to 11 letters, digits or spaces, with at least one letter');
    }
    const added = senders.addAlpha(s, alpha);
    if (!added) throw new TwilioApiError(409, 21710, `AlphaSender ${alpha} already exists on this service`);
    res.status(201).json(renderAlpha(added));
  });

  router.get('/:Sid/AlphaSenders', (req, res) => {
    const s = service(res.locals.account, String(req.params.Sid));
    res.json(onePage('alpha_senders', `${BASE}/${s.sid}/AlphaSenders`, senders.listAlpha(s.sid).map(renderAlpha)));
  });

  router.delete('/:Sid/AlphaSenders/:AlphaSid', (req, res) => {
    const s = service(res.locals.account, String(req.params.Sid));
    if (!senders.removeAlpha(s.sid, String(req.params.AlphaSid))) throw notFound(`/v1/Services/${s.sid}/AlphaSenders/${req.params.AlphaSid}`);
    res.status(204).end();
  });

  return router;
}
