/*
 * The words the data is written in: roles, number kinds and types, statuses, channels. Pure (no
 * I/O): the API's schemas, the domain, the stores and the workflow bundle all import it.
 */
export const ROLES = ['admin', 'agent', 'support'] as const;
export type Role = (typeof ROLES)[number];

export const NUMBER_KINDS = ['shared', 'custom', 'byo'] as const;
/** `alphanumeric`: a registered sender ID (its `e164` holds the ID): sends, never receives. */
export const NUMBER_TYPES = ['local', 'toll_free', 'short_code', 'alphanumeric'] as const;
export type NumberKind = (typeof NUMBER_KINDS)[number];
export type NumberType = (typeof NUMBER_TYPES)[number];

/**
 * A new number's pace, segments per second, by type: Twilio's defaults for a US/CA long code and a
 * toll-free number, a short code's usual figure, and about a long code abroad for a sender ID
 * (unverified: Twilio gives no one figure). A faster number is paced at this until support raises it.
 */
export const DEFAULT_THROUGHPUT: Readonly<Record<NumberType, number>> = { local: 1, toll_free: 3, short_code: 100, alphanumeric: 10 };

export const CHANNEL_STATUSES = ['not_configured', 'connected', 'disconnected'] as const;
export type ChannelStatus = (typeof CHANNEL_STATUSES)[number];
export const WEBHOOK_STATUSES = ['unknown', 'ok', 'repaired', 'misconfigured', 'error'] as const;

export const CHANNELS = ['sms', 'webchat', 'whatsapp', 'messenger', 'instagram'] as const;
export type Channel = (typeof CHANNELS)[number];

export const MESSAGE_STATUSES = [
  'accepted', // stored, its workflow not yet at the provider
  'scheduled', // stored with a sendAt, held by its sender until then (rank 0, as accepted)
  'queued',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'failed',
  'expired',
  'cancelled', // cancelled before any send attempt (final)
  'received', // inbound
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const REQUEST_STATUSES = [
  'pending_approval',
  'provisioning',
  'completed',
  'rejected',
  'cancelled',
  'expired',
  'failed',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
