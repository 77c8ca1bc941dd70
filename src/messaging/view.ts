import { RANK } from './status';
import { mediaView } from './media';
import type { StoredMessage } from './store';

/**
 * A message as the API shows it, wherever it is read: `/messages` and a conversation's thread
 * (schema: messageSchema in api/schemas.ts). Received media by our proxy's path, in `media` (with
 * the content type the provider gave) and `mediaUrls` (the URLs alone): the provider's URLs are
 * never shown.
 */
export function toMessageView(m: StoredMessage) {
  const media = mediaView(m);
  return {
    id: m._id,
    conversationId: m.conversationId,
    channel: m.channel,
    direction: m.direction === 'inbound' ? ('inbound' as const) : ('outbound' as const),
    from: m.from,
    to: m.to,
    body: m.body ?? '',
    media,
    mediaUrls: media.map((x) => x.url),
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
    sentBy: m.sentBy ?? null,
    validUntil: m.validUntil?.toISOString() ?? null,
    sendAt: m.sendAt?.toISOString() ?? null,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}
export type MessageView = ReturnType<typeof toMessageView>;
