/** The one door to the SMS provider. Constructed per provider account (credentials). */

export type NumberKind = 'local' | 'toll_free';

/** Twilio's message statuses (ours to map onto the platform's own). */
export type TwilioMessageStatus =
  | 'accepted'
  | 'scheduled'
  | 'queued'
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'undelivered'
  | 'failed'
  | 'received'
  | 'read'
  | 'canceled';

/** What the provider may answer: Twilio's statuses, or one it adds later (mapped as unknown). */
export type ProviderMessageStatus = TwilioMessageStatus | (string & {});

export interface SendInput {
  from: string;
  to: string;
  body: string;
  mediaUrls?: string[];
  statusCallback?: string;
  validityPeriodSeconds?: number;
}

export interface SentMessage {
  sid: string;
  status: ProviderMessageStatus;
  segments: number;
}

export interface ProviderMessage extends SentMessage {
  accountSid: string;
  from: string;
  to: string;
  body: string;
  direction: string;
  errorCode: number | null;
  dateCreated: Date | null;
  dateSent: Date | null;
}

export interface ListMessagesInput {
  from?: string;
  to?: string;
  /** Twilio's `DateSent>`: sent on or after. A message still queued has no sent date and is left out. */
  dateSentAfter?: Date;
  /** At most this many, newest first (default 50). */
  limit?: number;
}

export interface SearchNumbersInput {
  country: string;
  type: NumberKind;
  areaCode?: string;
  region?: string;
  contains?: string;
  limit?: number;
}

export interface AvailableNumber {
  phoneNumber: string;
  friendlyName: string;
  locality: string | null;
  region: string | null;
  country: string;
}

export interface BuyNumberInput {
  phoneNumber?: string;
  areaCode?: string;
  smsUrl: string;
  /** Tried by the provider when smsUrl fails; empty: none. */
  smsFallbackUrl?: string;
  statusCallback: string;
  friendlyName: string;
}

export interface ProviderNumber {
  sid: string;
  accountSid: string;
  phoneNumber: string;
  friendlyName: string;
  smsUrl: string;
  smsFallbackUrl: string;
  statusCallback: string;
}

export interface NumberPatch {
  smsUrl?: string;
  smsFallbackUrl?: string;
  statusCallback?: string;
  friendlyName?: string;
}

/** An alphanumeric sender ID registered on the account (Twilio: an AlphaSender of a Messaging Service). */
export interface SenderIdRegistration {
  sid: string;
  senderId: string;
  serviceSid: string;
}

export interface SignedRequest {
  authToken: string;
  signature: string;
  /** The full URL the provider called, as the provider saw it (public URL behind a proxy). */
  url: string;
  params: Record<string, string>;
}

export interface StatusUpdate {
  sid: string;
  status: ProviderMessageStatus;
  errorCode?: number;
  accountSid?: string;
}

/** Every method rejects with a ProviderError (see errors.ts). */
export interface SmsProvider {
  readonly accountSid: string;
  sendMessage(input: SendInput): Promise<SentMessage>;
  fetchMessage(sid: string): Promise<ProviderMessage>;
  listMessages(input: ListMessagesInput): Promise<ProviderMessage[]>;
  searchNumbers(input: SearchNumbersInput): Promise<AvailableNumber[]>;
  buyNumber(input: BuyNumberInput): Promise<ProviderNumber>;
  findNumbers(input: { phoneNumber?: string; friendlyName?: string }): Promise<ProviderNumber[]>;
  /** Every number of the account (up to 1,000); also how an account's credentials are checked. */
  listNumbers(): Promise<ProviderNumber[]>;
  /** Idempotent: a sender ID the account already has is returned as it is. */
  registerSenderId(senderId: string): Promise<SenderIdRegistration>;
  updateNumber(sid: string, patch: NumberPatch): Promise<ProviderNumber>;
  /** Idempotent: a number already released is fine. */
  releaseNumber(sid: string): Promise<void>;
  validateSignature(request: SignedRequest): boolean;
  /** A received message's media (a URL the provider gave us for this account), streamed. */
  fetchMedia(url: string): Promise<ProviderMedia>;
  parseStatusCallback(params: Record<string, string | undefined>): StatusUpdate;
}

export interface ProviderMedia {
  contentType: string;
  contentLength?: number;
  body: ReadableStream<Uint8Array>;
}

export interface ProviderCredentials {
  accountSid: string;
  authToken: string;
  /** The sandbox carrier's base URL (e.g. http://127.0.0.1:4010); unset: real Twilio. */
  baseUrl?: string;
  /** Per-request timeout; a create that times out is ambiguous. Default 15 s. */
  timeoutMs?: number;
}
