import { RANK } from './status';
import { mediaView } from './media';

/** A message as the API shows it (schema: messageSchema in api/routes/messages.ts). */
export interface MessageView {
  id: string;
  conversationId: string;
  channel: string;
  direction: 'inbound' | 'outbound';
  from: string;
  to: string;
  body: string;
  mediaUrls: string[];
  status: string;
  segments: number | null;
  encoding: string | null;
  statusHistory: Array<{ status: string; at: string; errorCode?: string }>;
  errorCode: string | null;
  errorMessage: string | null;
  validUntil: string | null;
  sendAt: string | null;
  createdAt: string;
  updatedAt: string;
}

interface MessageLike {
  _id: string;
  workspaceId?: string;
  conversationId: string;
  channel: string;
  direction: string;
  from: string;
  to: string;
  body?: string | null;
  media?: Array<{ url?: string | null }> | null;
  status: string;
  segments?: number | null;
  encoding?: string | null;
  statusHistory?: Array<{ status?: string | null; at?: Date | null; errorCode?: string | null }> | null;
  errorCode?: string | null;
  errorMessage?: string | null;
  validUntil?: Date | null;
  sendAt?: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export function toMessageView(m: MessageLike): MessageView {
  return {
    id: m._id,
    conversationId: m.conversationId,
    channel: m.channel,
    direction: m.direction === 'inbound' ? 'inbound' : 'outbound',
    from: m.from,
    to: m.to,
    body: m.body ?? '',
    // Received media by our proxy's path: the provider's URLs are never shown.
    mediaUrls: mediaView(m).map((x) => x.url),
    status: m.status,
    segments: m.segments ?? null,
    encoding: m.encoding ?? null,
    // In the order statuses follow each other: the provider's answer to a create can be recorded after its first callback.
    statusHistory: [...(m.statusHistory ?? [])]
      .sort((a, b) => (RANK[a.status ?? ''] ?? 0) - (RANK[b.status ?? ''] ?? 0))
      .map((h) => ({
      status: h.status ?? '',
      at: (h.at ?? m.createdAt).toISOString(),
      ...(h.errorCode ? { errorCode: h.errorCode } : {}),
    })),
    errorCode: m.errorCode ?? null,
    errorMessage: m.errorMessage ?? null,
    validUntil: m.validUntil?.toISOString() ?? null,
    sendAt: m.sendAt?.toISOString() ?? null,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}
