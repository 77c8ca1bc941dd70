import { Router } from 'express';
import type { Carrier } from '../carrier';
import type { NumberPatch } from '../numbers';
import type { Account } from '../types';
import { notFound, TwilioApiError } from './errors';
import { delay, pageSize, str } from './params';
import { page, renderAvailable, renderNumber } from './render';

export function numbersRouter(carrier: Carrier): Router {
  const router = Router({ mergeParams: true });
  const { numbers, faults } = carrier;
  router.use(async (_req, _res, next) => {
    await delay(faults.latency('numbers'));
    next();
  });

  const base = (a: Account) => `/2010-04-01/Accounts/${a.accountSid}`;

  for (const [file, type] of [['Local.json', 'local'], ['TollFree.json', 'toll_free']] as const) {
    router.get(`/AvailablePhoneNumbers/:Country/${file}`, (req, res) => {
      const country = String(req.params.Country).toUpperCase();
      const size = pageSize(req.query.PageSize, 30);
      const found = numbers.search({
        country,
        type,
        areaCode: str(req.query.AreaCode),
        inRegion: str(req.query.InRegion),
        contains: str(req.query.Contains),
        limit: size,
      });
      res.json({
        available_phone_numbers: found.map(renderAvailable),
        end: Math.max(found.length - 1, 0),
        first_page_uri: null,
        next_page_uri: null,
        page: 0,
        page_size: size,
        previous_page_uri: null,
        start: 0,
        uri: `${base(res.locals.account)}/AvailablePhoneNumbers/${country}/${file}`,
      });
    });
  }

  router.post('/IncomingPhoneNumbers.json', (req, res) => {
    const account = res.locals.account as Account;
    const b = (req.body ?? {}) as Record<string, unknown>;
    let phoneNumber = str(b.PhoneNumber);
    const areaCode = str(b.AreaCode);
    if (!phoneNumber && !areaCode) throw new TwilioApiError(400, 21421, 'PhoneNumber or AreaCode is required');
    if (!phoneNumber) {
      const [first] = numbers.search({ country: 'US', type: 'local', areaCode, limit: 1 }).concat(numbers.search({ country: 'CA', type: 'local', areaCode, limit: 1 }));
      if (!first) throw new TwilioApiError(400, 21452, `No phone numbers found in area code ${areaCode}`);
      phoneNumber = first.phoneNumber;
    }
    if (!numbers.isAvailable(phoneNumber)) throw new TwilioApiError(400, 21422, `PhoneNumber ${phoneNumber} is not available`);
    const owned = numbers.add({
      accountSid: account.accountSid,
      phoneNumber,
      friendlyName: str(b.FriendlyName),
      smsUrl: str(b.SmsUrl) ?? null,
      smsFallbackUrl: str(b.SmsFallbackUrl) || null,
      smsMethod: str(b.SmsMethod),
      statusCallback: str(b.StatusCallback) ?? null,
    });
    res.status(201).json(renderNumber(owned));
  });

  router.get('/IncomingPhoneNumbers.json', (req, res) => {
    const account = res.locals.account as Account;
    const phoneNumber = str(req.query.PhoneNumber);
    const friendlyName = str(req.query.FriendlyName);
    const size = pageSize(req.query.PageSize);
    const pageNo = Number.parseInt(str(req.query.Page) ?? '0', 10) || 0;
    const all = numbers.list({ accountSid: account.accountSid, phoneNumber, friendlyName });
    const slice = all.slice(pageNo * size, (pageNo + 1) * size);
    const query = new URLSearchParams();
    if (phoneNumber) query.set('PhoneNumber', phoneNumber);
    if (friendlyName) query.set('FriendlyName', friendlyName);
    res.json(
      page('incoming_phone_numbers', slice.map(renderNumber), {
        path: `${base(account)}/IncomingPhoneNumbers.json`,
        query,
        page: pageNo,
        pageSize: size,
        nextToken: (pageNo + 1) * size < all.length ? `PN${pageNo + 1}` : null,
      }),
    );
  });

  const owned = (account: Account, sid: string) => {
    const n = numbers.bySidFor(account.accountSid, sid);
    if (!n) throw notFound(`${base(account)}/IncomingPhoneNumbers/${sid}.json`);
    return n;
  };

  router.get('/IncomingPhoneNumbers/:Sid.json', (req, res) => {
    res.json(renderNumber(owned(res.locals.account, String(req.params.Sid))));
  });

  router.post('/IncomingPhoneNumbers/:Sid.json', (req, res) => {
    const account = res.locals.account as Account;
    const n = owned(account, String(req.params.Sid));
    if (account.readOnlyNumbers) throw new TwilioApiError(403, 20403, 'Permission denied: this account may not change phone number settings through the API');
    const b = (req.body ?? {}) as Record<string, unknown>;
    const patch: NumberPatch = {};
    if (str(b.SmsUrl) !== undefined) patch.smsUrl = str(b.SmsUrl)!;
    if (str(b.SmsFallbackUrl) !== undefined) patch.smsFallbackUrl = str(b.SmsFallbackUrl) || null;
    if (str(b.SmsMethod) !== undefined) patch.smsMethod = str(b.SmsMethod)!;
    if (str(b.StatusCallback) !== undefined) patch.statusCallback = str(b.StatusCallback)!;
    if (str(b.FriendlyName) !== undefined) patch.friendlyName = str(b.FriendlyName)!;
    res.json(renderNumber(numbers.update(n, patch)));
  });

  router.delete('/IncomingPhoneNumbers/:Sid.json', (req, res) => {
    numbers.release(owned(res.locals.account, String(req.params.Sid)));
    res.status(204).end();
  });

  return router;
}
