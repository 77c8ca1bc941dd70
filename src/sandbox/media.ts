import { Router } from 'express';
import type { Account, Media } from './types';
import { newSid } from './ids';
import { notFound } from './rest/errors';
import { delay } from './rest/params';
import type { Faults } from './faults';

/** A picture a handset sends: its bytes (base64) the carrier keeps, or a URL of elsewhere. */
export type HandsetMedia = { contentType: string } & ({ url: string; content?: undefined } | { content: string; url?: undefined });

/**
 * Media of received messages, kept by the carrier and served as Twilio does with "HTTP basic
 * authentication for media" turned on: at `https://api.twilio.com/2010-04-01/Accounts/{AC}/Messages/{MM}/Media/{ME}`
 * (the API's own host, which our client maps to the sandbox), only to the account's credentials.
 */
export class MediaStore {
  private readonly items = new Map<string, { accountSid: string; messageSid: string; contentType: string; bytes: Buffer }>();

  /** The message's media as its webhook lists them: uploaded content gets a URL of the account's. */
  attach(accountSid: string, messageSid: string, media: HandsetMedia[]): Media[] {
    return media.map((m) => {
      if (m.content === undefined) return { url: m.url, contentType: m.contentType };
      const sid = `ME${newSid('SM').slice(2)}`;
      this.items.set(sid, { accountSid, messageSid, contentType: m.contentType, bytes: Buffer.from(m.content, 'base64') });
      return { url: `https://api.twilio.com/2010-04-01/Accounts/${accountSid}/Messages/${messageSid}/Media/${sid}`, contentType: m.contentType };
    });
  }

  get(accountSid: string, messageSid: string, mediaSid: string) {
    const item = this.items.get(mediaSid);
    return item && item.accountSid === accountSid && item.messageSid === messageSid ? item : undefined;
  }

  delete(mediaSid: string): boolean {
    return this.items.delete(mediaSid);
  }

  clear(): void {
    this.items.clear();
  }
}

/** GET (the bytes; slowed by the `fetch` latency fault) and DELETE of a message's media, under the account's basic auth. */
export function mediaRouter(media: MediaStore, faults: Faults): Router {
  const router = Router();
  const find = (account: Account, params: Record<string, string>) => {
    const item = media.get(account.accountSid, params.MessageSid, params.MediaSid);
    if (!item) throw notFound(`/2010-04-01/Accounts/${account.accountSid}/Messages/${params.MessageSid}/Media/${params.MediaSid}`);
    return item;
  };
  router.get('/Messages/:MessageSid/Media/:MediaSid', async (req, res) => {
    await delay(faults.latency('fetch'));
    const item = find(res.locals.account as Account, req.params);
    res.type(item.contentType).send(item.bytes);
  });
  router.delete('/Messages/:MessageSid/Media/:MediaSid', (req, res) => {
    find(res.locals.account as Account, req.params);
    media.delete(req.params.MediaSid);
    res.status(204).end();
  });
  return router;
}
