import mongoose, { Schema, type InferSchemaType } from 'mongoose';

/*
 * Every write in this project is a single-document operation guarded by unique indexes, so it is
 * atomic on MongoDB and on FerretDB as scripts/tools.sh builds it (neither transactions nor change
 * streams are used).
 * Optional unique keys are left absent rather than null: a missing field never collides.
 */

const opts = { versionKey: false as const, timestamps: false };

const workspaceSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    /** ISO country used to read national phone numbers typed by agents. */
    defaultCountry: { type: String, required: true, default: 'US' },
    addons: {
      sms: {
        active: { type: Boolean, required: true, default: false },
        changedAt: { type: Date },
      },
    },
    /** Answer to HELP / INFO keywords. */
    helpText: { type: String },
    createdAt: { type: Date, required: true, default: () => new Date() },
  },
  opts,
);
export const Workspace = mongoose.model('Workspace', workspaceSchema);
export type WorkspaceDoc = InferSchemaType<typeof workspaceSchema>;

export const ROLES = ['admin', 'agent', 'support'] as const;
export type Role = (typeof ROLES)[number];

const apiKeySchema = new Schema(
  {
    _id: { type: String, required: true },
    /** Absent for platform support keys, which belong to no workspace. */
    workspaceId: { type: String },
    role: { type: String, enum: ROLES, required: true },
    /** SHA-256 of the key: keys are 192-bit random, so a fast hash is enough and lookups stay O(1). */
    hash: { type: String, required: true, unique: true },
    label: { type: String },
    email: { type: String },
    createdAt: { type: Date, required: true, default: () => new Date() },
  },
  opts,
);
export const ApiKey = mongoose.model('ApiKey', apiKeySchema);

export const NUMBER_KINDS = ['shared', 'custom', 'byo'] as const;
/** `alphanumeric`: a registered sender ID (its `e164` holds the ID): sends, never receives. */
export const NUMBER_TYPES = ['local', 'toll_free', 'short_code', 'alphanumeric'] as const;
export type NumberKind = (typeof NUMBER_KINDS)[number];
export type NumberType = (typeof NUMBER_TYPES)[number];

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

export const CHANNEL_STATUSES = ['not_configured', 'connected', 'disconnected'] as const;
export type ChannelStatus = (typeof CHANNEL_STATUSES)[number];
export const WEBHOOK_STATUSES = ['unknown', 'ok', 'repaired', 'misconfigured', 'error'] as const;

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

const auditSchema = new Schema(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    actor: { keyId: String, role: String },
    action: { type: String, required: true },
    before: { type: Schema.Types.Mixed },
    after: { type: Schema.Types.Mixed },
    at: { type: Date, required: true },
  },
  opts,
);
auditSchema.index({ workspaceId: 1, at: -1 });
export const AuditEntry = mongoose.model('AuditEntry', auditSchema);

// ---- conversations (inbox) ---------------------------------------------------------------------

export const CHANNELS = ['sms', 'webchat', 'whatsapp', 'messenger', 'instagram'] as const;
export type Channel = (typeof CHANNELS)[number];

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
 * it spares a scan on FerretDB (which only uses an index for an _id equality). A hint, checked on
 * use; the conversation's unique `openSlot` stays the guarantee.
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

const messageSchema = new Schema(
  {
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
  },
  opts,
);
messageSchema.index({ providerSid: 1 }, { unique: true, sparse: true });
messageSchema.index({ workspaceId: 1, idempotencyKey: 1 }, { unique: true });
messageSchema.index({ conversationId: 1, createdAt: 1 });
messageSchema.index({ workspaceId: 1, to: 1, createdAt: 1 });
export const Message = mongoose.model('Message', messageSchema);

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

// ---- custom-number requests --------------------------------------------------------------------

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

const numberRequestSchema = new Schema(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    requestedBy: { keyId: String, email: String },
    country: { type: String, required: true },
    type: { type: String, required: true },
    areaCode: { type: String },
    region: { type: String },
    senderId: { type: String },
    note: { type: String },
    status: { type: String, enum: REQUEST_STATUSES, required: true },
    /** Counted by the per-workspace limit while true. */
    open: { type: Boolean, required: true },
    /**
     * The limit itself: "0".."limit-1" while open, the request's own id once closed. With the unique
     * index below, a workspace cannot hold more open requests than slots, even under concurrent posts.
     */
    openSlot: { type: String, required: true },
    numberId: { type: String },
    e164: { type: String },
    reason: { type: String },
    timeline: [{ _id: false, at: Date, actor: String, step: String, detail: String }],
    /** The workflow's snapshot counter: an older (retried) write never overwrites a newer one. */
    revision: { type: Number, required: true, default: 0 },
    /** Mails already sent for this request ('completed', 'expired', 'reminder-1'…): each goes out once. */
    mailsSent: { type: [String], default: undefined },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  opts,
);
numberRequestSchema.index({ workspaceId: 1, createdAt: -1 });
numberRequestSchema.index({ status: 1, createdAt: 1 });
numberRequestSchema.index({ workspaceId: 1, openSlot: 1 }, { unique: true });
export const NumberRequest = mongoose.model('NumberRequest', numberRequestSchema);

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
