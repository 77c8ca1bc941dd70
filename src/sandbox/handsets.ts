import type { Accounts } from './accounts';
import type { Faults } from './faults';
import type { Network } from './network';
import type { Numbers } from './numbers';
import type { MessageStore } from './store';
import type { OwnedNumber, SandboxMessage } from './types';
import type { HandsetMedia, MediaStore } from './media';
import { buildMessage } from './message';
import { DEFAULT_TIMEOUTS, postSignedForm, type PostOutcome } from './delivery';

const OPT_OUT = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']);
const OPT_IN = new Set(['START', 'YES', 'UNSTOP']);
const HELP = new Set(['HELP', 'INFO']);

/** Twilio's default keyword answers on long codes. */
export const AUTO_REPLIES = {
  optOut: 'You have successfully been unsubscribed. You will not receive any more messages from this number. Reply START to resubscribe.',
  optIn: 'You have successfully been re-subscribed to messages from this number. Reply HELP for help. Reply STOP to unsubscribe. Msg&Data Rates May Apply.',
  help: 'Reply STOP to unsubscribe. Msg&Data Rates May Apply.',
};

export interface InboundInput {
  from: string;
  to: string;
  body: string;
  media?: HandsetMedia[];
}

export interface InboundResult {
  sid: string;
  /** False when the number has no SmsUrl or every attempt failed. */
  delivered: boolean;
  /** Which URL took it, when delivered: the SmsUrl or the SmsFallbackUrl. */
  deliveredTo?: 'primary' | 'fallback';
  attempts: number;
  /** HTTP status of the last attempt, or null if none was answered. */
  responseStatus: number | null;
  /** What failed on the last attempt when it was not an HTTP answer. */
  failure: string | null;
  twiml: string | null;
  /** Messages created from the TwiML `<Message>` replies. */
  replies: string[];
  autoReply: string | null;
}

/**
 * Connection overrides in the SmsUrl fragment: `rc` retries (at most 5) under the policies in
 * `rp` (ct: connect failure, rt: read timeout, 4xx, 5xx, all), `ct`/`rt` timeouts in ms, and `tt`
 * the total time all attempts may take (no retry starts after it). Without a fragment Twilio does not retry.
 */
export function parseRetryFragment(fragment: string): { retries: number; policies: Set<string>; connectTimeoutMs: number; readTimeoutMs: number; totalTimeoutMs: number } {
  const p = new URLSearchParams(fragment);
  const int = (k: string, d: number) => {
    const v = Number.parseInt(p.get(k) ?? '', 10);
    return Number.isFinite(v) && v >= 0 ? v : d;
  };
  return {
    retries: Math.min(5, int('rc', 0)),
    policies: new Set((p.get('rp') ?? 'ct').split(',').map((s) => s.trim().toLowerCase())),
    connectTimeoutMs: int('ct', DEFAULT_TIMEOUTS.connectTimeoutMs),
    readTimeoutMs: int('rt', DEFAULT_TIMEOUTS.readTimeoutMs),
    totalTimeoutMs: int('tt', DEFAULT_TIMEOUTS.readTimeoutMs),
  };
}

function shouldRetry(o: PostOutcome, policies: Set<string>): boolean {
  if (policies.has('all')) return true;
  // A kept-alive connection the server has since closed fails like a refused one: no request got through.
  if (o.kind === 'connect' || o.kind === 'network') return policies.has('ct');
  if (o.kind === 'read') return policies.has('rt');
  if (o.kind !== 'response') return false;
  return (o.status >= 400 && o.status < 500 && policies.has('4xx')) || (o.status >= 500 && policies.has('5xx'));
}

const unescapeXml = (s: string) =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** The `<Message>` verbs of a TwiML answer: body text (or its `<Body>`) and an optional `to`. */
export function parseTwimlMessages(twiml: string): Array<{ body: string; to?: string }> {
  const out: Array<{ body: string; to?: string }> = [];
  for (const m of twiml.matchAll(/<Message\b([^>]*?)>([\s\S]*?)<\/Message>/g)) {
    const to = /\bto\s*=\s*"([^"]*)"/.exec(m[1])?.[1];
    const inner = /<Body>([\s\S]*?)<\/Body>/.exec(m[2])?.[1] ?? m[2].replace(/<Media>[\s\S]*?<\/Media>/g, '');
    out.push({ body: unescapeXml(inner.trim()), ...(to ? { to: unescapeXml(to) } : {}) });
  }
  return out;
}

export class InboundError extends Error {}

/** The customers' phones: what they received, whom they blocked, and what they send us. */
export class Handsets {
  private readonly inboxes = new Map<string, SandboxMessage[]>();
  private readonly blocks = new Set<string>();

  constructor(
    private readonly deps: { accounts: Accounts; numbers: Numbers; store: MessageStore; media: MediaStore; faults: Faults; network: () => Network },
  ) {}

  isBlocked(handset: string, sender: string): boolean {
    return this.blocks.has(`${handset} ${sender}`);
  }

  receive(msg: SandboxMessage): void {
    let inbox = this.inboxes.get(msg.to);
    if (!inbox) this.inboxes.set(msg.to, (inbox = []));
    inbox.push(msg);
  }

  inbox(handset: string): readonly SandboxMessage[] {
    return this.inboxes.get(handset) ?? [];
  }

  clear(): void {
    this.inboxes.clear();
    this.blocks.clear();
  }

  /** A handset sends to one of our numbers: keywords first (as Twilio does), then the webhook. */
  async send(input: InboundInput): Promise<InboundResult> {
    const number = this.deps.numbers.byPhoneNumber(input.to);
    if (!number) throw new InboundError(`${input.to} is not a number of this carrier`);
    const built = buildMessage({ accountSid: number.accountSid, direction: 'inbound', from: input.from, to: input.to, body: input.body, status: 'received' });
    // A picture's message is an MM…: its media live under it.
    if (input.media?.length) built.sid = `MM${built.sid.slice(2)}`;
    built.media = this.deps.media.attach(number.accountSid, built.sid, input.media ?? []);
    const msg = this.deps.store.add(built);
    const autoReply = this.applyKeyword(number, input.from, input.body);
    const result: InboundResult = { sid: msg.sid, delivered: false, attempts: 0, responseStatus: null, failure: null, twiml: null, replies: [], autoReply };
    if (!number.smsUrl) return result;
    await this.deliverWebhook(number.smsUrl, number, msg, result);
    // As Twilio does: when the primary URL (and its retries) failed, the fallback URL is requested.
    if (!result.delivered && number.smsFallbackUrl) {
      await this.deliverWebhook(number.smsFallbackUrl, number, msg, result);
      if (result.delivered) result.deliveredTo = 'fallback';
    }
    if (result.delivered && result.twiml) {
      for (const reply of parseTwimlMessages(result.twiml)) {
        const out = this.deps.store.add(
          buildMessage({ accountSid: number.accountSid, direction: 'outbound-reply', from: number.phoneNumber, to: reply.to ?? input.from, body: reply.body, status: 'queued' }),
        );
        this.deps.network().submit(out, number.type);
        result.replies.push(out.sid);
      }
    }
    return result;
  }

  private applyKeyword(number: OwnedNumber, handset: string, body: string): string | null {
    const word = body.trim().toUpperCase();
    const key = `${handset} ${number.phoneNumber}`;
    let text: string | null = null;
    if (OPT_OUT.has(word)) {
      this.blocks.add(key);
      text = AUTO_REPLIES.optOut;
    } else if (OPT_IN.has(word)) {
      this.blocks.delete(key);
      text = AUTO_REPLIES.optIn;
    } else if (HELP.has(word)) {
      text = AUTO_REPLIES.help;
    }
    if (text === null) return null;
    // The carrier answers by itself, outside the sender's queue.
    const reply = buildMessage({ accountSid: number.accountSid, direction: 'outbound-reply', from: number.phoneNumber, to: handset, body: text, status: 'delivered' });
    reply.dateSent = reply.dateCreated;
    this.deps.store.add(reply);
    this.receive(reply);
    return text;
  }

  private async deliverWebhook(webhook: string, number: OwnedNumber, msg: SandboxMessage, result: InboundResult): Promise<void> {
    const hash = webhook.indexOf('#');
    const url = hash < 0 ? webhook : webhook.slice(0, hash);
    const retry = parseRetryFragment(hash < 0 ? '' : webhook.slice(hash + 1));
    const params = this.webhookParams(number, msg);
    const token = this.deps.accounts.tokenOf(number.accountSid);
    const deadline = Date.now() + retry.totalTimeoutMs;
    for (let attempt = 0; attempt <= retry.retries && (attempt === 0 || Date.now() < deadline); attempt++) {
      result.attempts += 1;
      const injected = this.deps.faults.webhookFailure();
      const o: PostOutcome =
        injected !== null ? { kind: 'response', status: injected, body: '' } : await postSignedForm(url, params, token, retry);
      result.responseStatus = o.kind === 'response' ? o.status : null;
      result.failure = o.kind === 'response' ? null : `${o.kind}: ${o.error}`;
      if (o.kind === 'response' && o.status >= 200 && o.status < 300) {
        result.delivered = true;
        result.deliveredTo = 'primary';
        result.twiml = o.body;
        return;
      }
      if (!shouldRetry(o, retry.policies)) return;
    }
  }

  private webhookParams(number: OwnedNumber, msg: SandboxMessage): Record<string, string> {
    const params: Record<string, string> = {
      MessageSid: msg.sid,
      SmsSid: msg.sid,
      SmsMessageSid: msg.sid,
      AccountSid: msg.accountSid,
      From: msg.from,
      To: msg.to,
      Body: msg.body,
      NumMedia: String(msg.media.length),
      NumSegments: String(msg.segments),
      SmsStatus: 'received',
      FromCountry: msg.from.startsWith('+1') ? 'US' : '',
      ToCountry: number.country,
      ApiVersion: '2010-04-01',
    };
    msg.media.forEach((m, i) => {
      params[`MediaUrl${i}`] = m.url;
      params[`MediaContentType${i}`] = m.contentType;
    });
    return params;
  }
}
