import twilio from 'twilio';
import type { ClientRequest } from 'node:http';
import type RequestClient from 'twilio/lib/base/RequestClient';
import { errorFromResponse, errorFromTransport, ProviderError } from './errors';
import { fetchMedia } from './media';
import type {
  AvailableNumber,
  BuyNumberInput,
  ListMessagesInput,
  NumberPatch,
  ProviderCredentials,
  ProviderMedia,
  ProviderMessage,
  ProviderNumber,
  SearchNumbersInput,
  SendInput,
  SenderIdRegistration,
  SentMessage,
  SignedRequest,
  SmsProvider,
  StatusUpdate,
} from './port';

type MessageInstance = Awaited<ReturnType<twilio.Twilio['messages']['create']>>;
type NumberInstance = Awaited<ReturnType<twilio.Twilio['incomingPhoneNumbers']['create']>>;

const DEFAULT_TIMEOUT_MS = 15_000;
/** The Messaging Service that holds the account's sender IDs registered by us. */
const SENDER_ID_SERVICE = 'sms-channel sender IDs';
/** `…/Messages/SM….json`, `…/IncomingPhoneNumbers/PN….json`: a POST there updates, so repeating it is harmless. */
const EXISTING_RESOURCE = /\/[A-Z]{2}[0-9a-f]{32}\.json$/;

/**
 * The twilio client's HTTP layer, with two additions: requests to *.twilio.com go to the sandbox
 * when a base URL is set, and failures become ProviderErrors here, where the response headers
 * (Retry-After) and the socket state (was the request sent?) are still known. RestException keeps
 * neither.
 */
export class ProviderRequestClient extends twilio.RequestClient {
  private readonly base: URL | null;

  constructor(opts: { baseUrl?: string; timeoutMs?: number }) {
    super({ timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, keepAlive: true });
    this.base = opts.baseUrl ? new URL(opts.baseUrl) : null;
  }

  override async request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const uri = this.rewrite(opts.uri);
    const method = String(opts.method).toLowerCase();
    let res;
    try {
      res = await super.request<TData>({ ...opts, uri });
    } catch (err) {
      const e = err as { code?: string; message?: string; request?: ClientRequest };
      throw errorFromTransport({
        errorCode: e.code,
        message: e.message ?? String(err),
        requestSent: e.request?.writableFinished ?? false,
        idempotent: method === 'get' || method === 'delete' || EXISTING_RESOURCE.test(new URL(uri).pathname),
      });
    }
    if (res.statusCode >= 400) {
      const body = parseBody(res.body);
      const headers = res.headers as Record<string, string | undefined> | undefined;
      throw errorFromResponse({
        httpStatus: res.statusCode,
        code: typeof body?.code === 'number' ? body.code : undefined,
        message: typeof body?.message === 'string' ? body.message : undefined,
        retryAfter: headers?.['retry-after'],
      });
    }
    return res;
  }

  private rewrite(uri: string): string {
    if (!this.base) return uri;
    const u = new URL(uri);
    if (!u.hostname.endsWith('twilio.com')) return uri;
    u.protocol = this.base.protocol;
    u.host = this.base.host;
    return u.toString();
  }
}

function parseBody(body: unknown): Record<string, unknown> | null {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as Record<string, unknown>;
    } catch {
      return null;
    }
  }
  return body && typeof body === 'object' ? (body as Record<string, unknown>) : null;
}

/** Errors that did not come through our request client (should not happen) still leave as ProviderErrors. */
async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ProviderError) throw err;
    const e = err as { status?: number; code?: number; message?: string };
    if (typeof e.status === 'number') throw errorFromResponse({ httpStatus: e.status, code: e.code, message: e.message });
    throw err;
  }
}

function toMessage(m: MessageInstance): ProviderMessage {
  return {
    sid: m.sid,
    accountSid: m.accountSid,
    status: m.status,
    segments: Number(m.numSegments),
    from: m.from,
    to: m.to,
    body: m.body,
    direction: m.direction,
    errorCode: m.errorCode ?? null,
    dateCreated: m.dateCreated ?? null,
    dateSent: m.dateSent ?? null,
  };
}

function toNumber(n: NumberInstance): ProviderNumber {
  return {
    sid: n.sid,
    accountSid: n.accountSid,
    phoneNumber: n.phoneNumber,
    friendlyName: n.friendlyName,
    smsUrl: n.smsUrl,
    smsFallbackUrl: n.smsFallbackUrl ?? '',
    statusCallback: n.statusCallback,
  };
}

export class TwilioProvider implements SmsProvider {
  readonly accountSid: string;
  private readonly client: twilio.Twilio;
  private readonly credentials: ProviderCredentials;

  constructor(credentials: ProviderCredentials) {
    this.accountSid = credentials.accountSid;
    this.credentials = credentials;
    this.client = twilio(credentials.accountSid, credentials.authToken, {
      httpClient: new ProviderRequestClient({ baseUrl: credentials.baseUrl, timeoutMs: credentials.timeoutMs }),
    });
  }

  sendMessage(input: SendInput): Promise<SentMessage> {
    return call(async () => {
      const m = await this.client.messages.create({
        from: input.from,
        to: input.to,
        body: input.body,
        ...(input.mediaUrls?.length && { mediaUrl: input.mediaUrls }),
        ...(input.statusCallback && { statusCallback: input.statusCallback }),
        ...(input.validityPeriodSeconds !== undefined && { validityPeriod: input.validityPeriodSeconds }),
      });
      return { sid: m.sid, status: m.status, segments: Number(m.numSegments) };
    });
  }

  fetchMedia(url: string): Promise<ProviderMedia> {
    return fetchMedia(this.credentials, url);
  }

  fetchMessage(sid: string): Promise<ProviderMessage> {
    return call(async () => toMessage(await this.client.messages(sid).fetch()));
  }

  listMessages(input: ListMessagesInput): Promise<ProviderMessage[]> {
    return call(async () => {
      const list = await this.client.messages.list({
        ...(input.from && { from: input.from }),
        ...(input.to && { to: input.to }),
        ...(input.dateSentAfter && { dateSentAfter: input.dateSentAfter }),
        limit: input.limit ?? 50,
      });
      return list.map(toMessage);
    });
  }

  searchNumbers(input: SearchNumbersInput): Promise<AvailableNumber[]> {
    return call(async () => {
      const country = this.client.availablePhoneNumbers(input.country.toUpperCase());
      const params = {
        smsEnabled: true,
        ...(input.areaCode && { areaCode: Number(input.areaCode) }),
        ...(input.region && { inRegion: input.region }),
        ...(input.contains && { contains: input.contains }),
        limit: input.limit ?? 20,
      };
      const found = input.type === 'toll_free' ? await country.tollFree.list(params) : await country.local.list(params);
      return found.map((n) => ({
        phoneNumber: n.phoneNumber,
        friendlyName: n.friendlyName,
        locality: n.locality ?? null,
        region: n.region ?? null,
        country: n.isoCountry,
      }));
    });
  }

  buyNumber(input: BuyNumberInput): Promise<ProviderNumber> {
    return call(async () =>
      toNumber(
        await this.client.incomingPhoneNumbers.create({
          ...(input.phoneNumber ? { phoneNumber: input.phoneNumber } : { areaCode: input.areaCode }),
          smsUrl: input.smsUrl,
          smsMethod: 'POST',
          ...(input.smsFallbackUrl && { smsFallbackUrl: input.smsFallbackUrl, smsFallbackMethod: 'POST' }),
          statusCallback: input.statusCallback,
          friendlyName: input.friendlyName,
        }),
      ),
    );
  }

  findNumbers(input: { phoneNumber?: string; friendlyName?: string }): Promise<ProviderNumber[]> {
    return call(async () => {
      const list = await this.client.incomingPhoneNumbers.list({
        ...(input.phoneNumber && { phoneNumber: input.phoneNumber }),
        ...(input.friendlyName && { friendlyName: input.friendlyName }),
        limit: 50,
      });
      return list.map(toNumber);
    });
  }

  listNumbers(): Promise<ProviderNumber[]> {
    return call(async () => (await this.client.incomingPhoneNumbers.list({ limit: 1000 })).map(toNumber));
  }

  registerSenderId(senderId: string): Promise<SenderIdRegistration> {
    return call(async () => {
      // Sender IDs live on a Messaging Service; ours is found by name, so a retry never makes a second.
      const services = await this.client.messaging.v1.services.list({ limit: 1000 });
      const service =
        services.find((s) => s.friendlyName === SENDER_ID_SERVICE) ?? (await this.client.messaging.v1.services.create({ friendlyName: SENDER_ID_SERVICE }));
      const senders = this.client.messaging.v1.services(service.sid).alphaSenders;
      const existing = (await senders.list({ limit: 1000 })).find((a) => a.alphaSender === senderId);
      const sender = existing ?? (await senders.create({ alphaSender: senderId }));
      return { sid: sender.sid, senderId: sender.alphaSender, serviceSid: service.sid };
    });
  }

  updateNumber(sid: string, patch: NumberPatch): Promise<ProviderNumber> {
    return call(async () => toNumber(await this.client.incomingPhoneNumbers(sid).update(patch)));
  }

  releaseNumber(sid: string): Promise<void> {
    return call(async () => {
      try {
        await this.client.incomingPhoneNumbers(sid).remove();
      } catch (err) {
        if (err instanceof ProviderError && err.httpStatus === 404) return;
        throw err;
      }
    });
  }

  validateSignature(r: SignedRequest): boolean {
    return twilio.validateRequest(r.authToken, r.signature, r.url, r.params);
  }

  parseStatusCallback(params: Record<string, string | undefined>): StatusUpdate {
    const sid = params.MessageSid ?? params.SmsSid;
    const status = params.MessageStatus ?? params.SmsStatus;
    if (!sid || !status) throw new Error('Not a status callback: MessageSid and MessageStatus are required');
    const errorCode = params.ErrorCode ? Number.parseInt(params.ErrorCode, 10) : undefined;
    return {
      sid,
      status,
      ...(errorCode !== undefined && Number.isFinite(errorCode) && errorCode !== 0 && { errorCode }),
      ...(params.AccountSid && { accountSid: params.AccountSid }),
    };
  }
}
