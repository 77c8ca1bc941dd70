import type { TwilioMessageStatus } from '../provider/port';

/** The carrier's own records. Field names are ours; the REST layer renders Twilio's shapes. */

/** `alphanumeric`: a registered sender ID, which sends (paced like a number) and never receives. */
export type NumberType = 'local' | 'toll_free' | 'short_code' | 'alphanumeric';

export type Direction = 'outbound-api' | 'outbound-reply' | 'inbound';

/** Twilio's statuses the carrier gives its messages (it schedules none, reads none, cancels none). */
export type MessageStatus = Exclude<TwilioMessageStatus, 'accepted' | 'scheduled' | 'read' | 'canceled'>;

export interface Account {
  accountSid: string;
  authToken: string;
  /** Its numbers' settings cannot be changed through the API (20403), as with a restricted key: the SmsUrl is set by hand. */
  readOnlyNumbers?: boolean;
}

export interface OwnedNumber {
  sid: string;
  accountSid: string;
  phoneNumber: string;
  type: NumberType;
  country: string;
  region: string | null;
  locality: string | null;
  friendlyName: string;
  smsUrl: string | null;
  /** Requested when every attempt at smsUrl failed (Twilio's SmsFallbackUrl). */
  smsFallbackUrl: string | null;
  smsMethod: string;
  statusCallback: string | null;
  /** Segments per second; overrides the type's default. */
  throughput: number | null;
  /** Where it came from: a released inventory number goes back to the shelf. */
  fromInventory: boolean;
  dateCreated: number;
  dateUpdated: number;
}

export interface Media {
  url: string;
  contentType: string;
}

export interface SandboxMessage {
  sid: string;
  accountSid: string;
  direction: Direction;
  from: string;
  to: string;
  body: string;
  media: Media[];
  segments: number;
  encoding: 'GSM-7' | 'UCS-2';
  status: MessageStatus;
  errorCode: number | null;
  statusCallback: string | null;
  validityMs: number;
  dateCreated: number;
  dateUpdated: number;
  dateSent: number | null;
  /** Position in its account's list, for O(1) paging by token. */
  accountIndex: number;
}
