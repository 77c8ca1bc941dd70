import mongoose, { Schema, type InferRawDocType } from 'mongoose';
import { opts } from './options';
import { CHANNELS, MESSAGE_STATUSES } from '../../vocabulary';

const contactSchema = new Schema(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    /** E.164 for phone channels, a visitor id for web chat. */
    address: { type: String, required: true },
    name: { type: String },
    optedOut: { type: Boolean, required: true, default: false },
    optOutChangedAt: { type: Date },
    createdAt: { type: Date, required: true, default: () => new Date() },
  },
  opts,
);
contactSchema.index({ workspaceId: 1, address: 1 }, { unique: true });
export const Contact = mongoose.model('Contact', contactSchema);

/**
 * Where a contact's open conversation on a channel is (`_id` = `<contactId>:<channel>`): read by _id,
 * it spares a scan of the conversations on FerretDB (which answers only an `_id` equality or `$in`
 * from an index). A hint, checked on use; the conversation's unique `openSlot` stays the guarantee.
 */
const threadHintSchema = new Schema(
  {
    _id: { type: String, required: true },
    conversationId: { type: String, required: true },
  },
  opts,
);
export const ThreadHint = mongoose.model('ThreadHint', threadHintSchema);

const conversationSchema = new Schema(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    channel: { type: String, enum: CHANNELS, required: true },
    contactId: { type: String, required: true },
    contactAddress: { type: String, required: true },
    status: { type: String, enum: ['open', 'closed'], required: true },
    /**
     * "open" while open, the conversation's own id once closed: with the unique index below, at
     * most one open thread exists per contact and channel, even under concurrent webhooks.
     */
    openSlot: { type: String, required: true },
    unreadCount: { type: Number, required: true, default: 0 },
    lastMessageAt: { type: Date, required: true },
    lastMessagePreview: { type: String },
    createdAt: { type: Date, required: true },
  },
  opts,
);
conversationSchema.index({ workspaceId: 1, channel: 1, contactId: 1, openSlot: 1 }, { unique: true });
conversationSchema.index({ workspaceId: 1, lastMessageAt: -1, _id: -1 });
export const Conversation = mongoose.model('Conversation', conversationSchema);

const messageFields = {
  _id: { type: String, required: true },
  workspaceId: { type: String, required: true },
  conversationId: { type: String, required: true },
  channel: { type: String, enum: CHANNELS, required: true },
  direction: { type: String, enum: ['inbound', 'outbound'], required: true },
  from: { type: String, required: true },
  to: { type: String, required: true },
  body: { type: String, default: '' },
  media: [{ _id: false, url: String, contentType: String }],
  segments: { type: Number },
  encoding: { type: String },
  status: { type: String, enum: MESSAGE_STATUSES, required: true },
  /**
   * Outbound: the status's place in the journey (accepted 0, queued 1, sending 2, sent 3, final 4):
   * every status change is conditional on a lower rank, so it only moves forward.
   */
  statusRank: { type: Number },
  /**
   * Outbound: the statuses its history shows, each once. A top-level array, so "not shown yet" is a
   * plain `$ne` (FerretDB 1.24 does not match `{'statusHistory.status': {$ne}}` as MongoDB does).
   */
  reached: { type: [String], default: undefined },
  statusHistory: [{ _id: false, status: String, at: Date, errorCode: String }],
  errorCode: { type: String },
  errorMessage: { type: String },
  /** Unique: dedupes webhook retries and finds the message for a status callback. */
  providerSid: { type: String },
  /** Always set (the message id when the client sent none), so the compound index never sees null. */
  idempotencyKey: { type: String, required: true },
  requestHash: { type: String },
  senderNumberId: { type: String },
  /** Outbound: the message may not leave after this (its validity period); it ends `expired`. */
  validUntil: { type: Date },
  /** Outbound, scheduled: it does not leave before this. */
  sendAt: { type: Date },
  /** Outbound: when the latest provider create started; set before the call so a lost answer is looked up. */
  sendAttemptAt: { type: Date },
  sendAttempts: { type: Number },
  sentBy: { type: String },
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
};
const messageSchema = new Schema(messageFields, opts);
messageSchema.index({ providerSid: 1 }, { unique: true, sparse: true });
messageSchema.index({ workspaceId: 1, idempotencyKey: 1 }, { unique: true });
messageSchema.index({ conversationId: 1, createdAt: 1 });
messageSchema.index({ workspaceId: 1, to: 1, createdAt: 1 });
export const Message = mongoose.model('Message', messageSchema);
/** A message as stored and as `lean()` reads it: the one type every reader of messages shares. */
export type StoredMessage = InferRawDocType<typeof messageFields>;

/**
 * A web-chat visitor: the public chat's only credential is a random token, stored as its SHA-256
 * (unique, so a lookup is one indexed read). The contact's address is `webchat:<session id>`.
 */
const webchatSessionSchema = new Schema(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    tokenHash: { type: String, required: true, unique: true },
    contactId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  opts,
);
export const WebchatSession = mongoose.model('WebchatSession', webchatSessionSchema);

/**
 * Per number, the time up to which the provider's inbound messages are known to be stored here
 * (inbox/reconcile.ts). `_id` is the number's id: read and written by `_id` alone.
 */
const inboundCheckpointSchema = new Schema(
  {
    _id: { type: String, required: true },
    until: { type: Date, required: true },
  },
  { versionKey: false, collection: 'inbound_checkpoints' },
);
export const InboundCheckpoint = mongoose.model('InboundCheckpoint', inboundCheckpointSchema);
