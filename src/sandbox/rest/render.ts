import { rfc2822 } from '../ids';
import type { AvailableNumber } from '../numbers';
import type { OwnedNumber, SandboxMessage } from '../types';

/** Twilio's JSON shapes, snake_case, counts as strings, dates in RFC 2822. */

const API = '/2010-04-01';

export function renderMessage(m: SandboxMessage) {
  const uri = `${API}/Accounts/${m.accountSid}/Messages/${m.sid}`;
  return {
    account_sid: m.accountSid,
    api_version: '2010-04-01',
    body: m.body,
    date_created: rfc2822(m.dateCreated),
    date_sent: rfc2822(m.dateSent),
    date_updated: rfc2822(m.dateUpdated),
    direction: m.direction,
    error_code: m.errorCode,
    error_message: null,
    from: m.from,
    messaging_service_sid: null,
    num_media: String(m.media.length),
    num_segments: String(m.segments),
    price: null,
    price_unit: 'USD',
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: `${uri}/Media.json`, feedback: `${uri}/Feedback.json` },
    to: m.to,
    uri: `${uri}.json`,
  };
}

const capabilities = { voice: true, SMS: true, MMS: true, fax: false };

export function renderAvailable(n: AvailableNumber) {
  return {
    friendly_name: n.friendlyName,
    phone_number: n.phoneNumber,
    lata: null,
    locality: n.locality,
    rate_center: null,
    latitude: null,
    longitude: null,
    region: n.region,
    postal_code: null,
    iso_country: n.country,
    address_requirements: 'none',
    beta: false,
    capabilities,
  };
}

export function renderNumber(n: OwnedNumber) {
  const uri = `${API}/Accounts/${n.accountSid}/IncomingPhoneNumbers/${n.sid}`;
  return {
    account_sid: n.accountSid,
    address_requirements: 'none',
    api_version: '2010-04-01',
    beta: false,
    capabilities: { voice: true, sms: true, mms: true, fax: false },
    date_created: rfc2822(n.dateCreated),
    date_updated: rfc2822(n.dateUpdated),
    friendly_name: n.friendlyName,
    origin: 'twilio',
    phone_number: n.phoneNumber,
    sid: n.sid,
    sms_application_sid: '',
    sms_fallback_method: 'POST',
    sms_fallback_url: n.smsFallbackUrl ?? '',
    sms_method: n.smsMethod,
    sms_url: n.smsUrl ?? '',
    status_callback: n.statusCallback ?? '',
    status_callback_method: 'POST',
    status: 'in-use',
    subresource_uris: { assigned_add_ons: `${uri}/AssignedAddOns.json` },
    uri: `${uri}.json`,
  };
}

/** The paging fields of a Twilio list answer around `key: records`. */
export function page<T>(key: string, records: T[], p: { path: string; query: URLSearchParams; page: number; pageSize: number; nextToken: string | null }) {
  const withPage = (n: number, token?: string) => {
    const q = new URLSearchParams(p.query);
    q.set('PageSize', String(p.pageSize));
    q.set('Page', String(n));
    if (token) q.set('PageToken', token);
    return `${p.path}?${q.toString()}`;
  };
  const start = p.page * p.pageSize;
  return {
    [key]: records,
    end: start + Math.max(records.length - 1, 0),
    first_page_uri: withPage(0),
    next_page_uri: p.nextToken ? withPage(p.page + 1, p.nextToken) : null,
    page: p.page,
    page_size: p.pageSize,
    previous_page_uri: p.page > 0 ? withPage(p.page - 1) : null,
    start,
    uri: withPage(p.page),
  };
}
