import { Message } from '../../db/models/inbox';
import type { Channel, MessageStatus } from '../../vocabulary';

/*
 * The inbox's own writes of messages (inbound ones, and replies no provider carries) and the reads
 * they need. Every function over one workspace's messages takes its id and puts it in its filter.
 */

export interface InboundFields {
  conversationId: string;
  channel: Channel;
  from: string;
  to: string;
  body: string;
  media: Array<{ url: string; contentType: string }>;
  segments?: number;
  providerSid?: string;
  senderNumberId?: string;
}

/**
 * Stores an inbound message under `id`; a duplicate-key error says it is stored already. The
 * driver's insert: the fields come from input validated at the edge (the webhook's zod schema), and
 * mongoose's document machinery cost more per message than the rest of the inbound path.
 */
export async function insertInboundMessage(workspaceId: string, id: string, m: InboundFields, now: Date): Promise<void> {
  await Message.collection.insertOne({
    _id: id as never,
    workspaceId,
    conversationId: m.conversationId,
    channel: m.channel,
    direction: 'inbound',
    from: m.from,
    to: m.to,
    body: m.body,
    media: m.media,
    ...(m.segments !== undefined && { segments: m.segments }),
    status: 'received',
    statusHistory: [{ status: 'received', at: now }],
    ...(m.providerSid && { providerSid: m.providerSid }),
    idempotencyKey: m.providerSid ? `inbound:${m.providerSid}` : id,
    ...(m.senderNumberId && { senderNumberId: m.senderNumberId }),
    createdAt: now,
    updatedAt: now,
  });
}

/** Moves the workspace's message to another of its threads. */
export async function moveMessage(workspaceId: string, messageId: string, conversationId: string): Promise<void> {
  await Message.updateOne({ _id: messageId, workspaceId }, { $set: { conversationId } });
}

export interface OutgoingFields {
  conversationId: string;
  channel: Channel;
  from: string;
  to: string;
  body: string;
  status: MessageStatus;
  idempotencyKey: string;
  /** The agent's key id, or `auto:<why>` for the platform's own answers. */
  sentBy: string;
}

/** Stores a message from our side; a duplicate-key error says its idempotency key is taken in the workspace. */
export async function insertOutgoingMessage(workspaceId: string, id: string, m: OutgoingFields, now: Date): Promise<void> {
  await Message.create({ _id: id, workspaceId, ...m, direction: 'outbound', statusHistory: [{ status: m.status, at: now }], createdAt: now, updatedAt: now });
}

export async function messageByIdempotencyKey(workspaceId: string, idempotencyKey: string): Promise<{ _id: string; createdAt: Date } | null> {
  return Message.findOne({ workspaceId, idempotencyKey }, { createdAt: 1 }).lean();
}

// ---- platform-wide by design ---------------------------------------------------------------------

export type ProviderMessageDoc = { _id: string; conversationId: string; createdAt: Date; workspaceId: string; from: string };

/**
 * A provider's message by the id made from its provider id (`msg_<sid>`). The provider's id is
 * unique across the platform, so a repeated delivery (or a text read back by the reconcile sweep)
 * finds what was stored whichever workspace it reached then: a number that changed hands since
 * must not store it twice.
 */
export async function findProviderMessage(messageId: string): Promise<ProviderMessageDoc | null> {
  return Message.findById(messageId, { conversationId: 1, createdAt: 1, workspaceId: 1, from: 1 }).lean();
}
