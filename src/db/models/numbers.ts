import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { opts } from './options';
import { CHANNEL_STATUSES, NUMBER_KINDS, NUMBER_TYPES, WEBHOOK_STATUSES } from '../../vocabulary';

const phoneNumberSchema = new Schema(
  {
    _id: { type: String, required: true },
    e164: { type: String, required: true, unique: true },
    kind: { type: String, enum: NUMBER_KINDS, required: true },
    type: { type: String, enum: NUMBER_TYPES, required: true },
    country: { type: String, required: true },
    throughputPerSecond: { type: Number, required: true },
    /** The provider account that owns the number: its token signs the number's webhooks. */
    accountSid: { type: String, required: true },
    providerSid: { type: String },
    /** The workspace that owns a custom or bring-your-own number; absent for the shared pool. */
    ownerWorkspaceId: { type: String, index: true },
    friendlyName: { type: String },
    /** A bring-your-own number's SmsUrl before we pointed it at us: put back when its account is removed. */
    previousSmsUrl: { type: String },
    createdAt: { type: Date, required: true, default: () => new Date() },
  },
  opts,
);
export const PhoneNumber = mongoose.model('PhoneNumber', phoneNumberSchema);
export type PhoneNumberDoc = InferSchemaType<typeof phoneNumberSchema> & { _id: string };

/**
 * Who holds a shared number. `_id` is the number's id, so the unique primary key makes "exactly one
 * workspace holds it" an atomic insert. `reserved` is the cool-down after a switch or disconnect.
 */
const numberHoldSchema = new Schema(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true, index: true },
    state: { type: String, enum: ['held', 'reserved'], required: true },
    reservedUntil: { type: Date },
    since: { type: Date, required: true },
  },
  opts,
);
export const NumberHold = mongoose.model('NumberHold', numberHoldSchema);

const smsChannelSchema = new Schema(
  {
    _id: { type: String, required: true }, // the workspace id: one SMS channel per workspace
    status: { type: String, enum: CHANNEL_STATUSES, required: true },
    enabled: { type: Boolean, required: true },
    numberId: { type: String },
    e164: { type: String },
    /** Optimistic concurrency: every change is conditional on the revision it read. */
    revision: { type: Number, required: true, default: 0 },
    updatedAt: { type: Date, required: true },
    webhook: {
      status: { type: String, enum: WEBHOOK_STATUSES, default: 'unknown' },
      checkedAt: { type: Date },
      detail: { type: String },
    },
    lastInboundAt: { type: Date },
  },
  opts,
);
export const SmsChannel = mongoose.model('SmsChannel', smsChannelSchema);

// ---- provider accounts -------------------------------------------------------------------------

/**
 * A workspace's own provider account, for bring-your-own numbers: its token signs the webhooks
 * of those numbers. The platform's own account comes from configuration, never from here.
 */
const providerAccountSchema = new Schema(
  {
    _id: { type: String, required: true }, // the account SID
    workspaceId: { type: String, required: true, index: true },
    /** The auth token, AES-256-GCM sealed (src/secrets/tokenCipher.ts); never stored or returned in clear. */
    sealedToken: { type: String, required: true },
    createdAt: { type: Date, required: true, default: () => new Date() },
    /** When the token was last replaced. */
    updatedAt: { type: Date },
  },
  opts,
);
export const ProviderAccount = mongoose.model('ProviderAccount', providerAccountSchema);
