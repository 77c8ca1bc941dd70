import { z } from 'zod';
import { CHANNELS, MESSAGE_STATUSES } from '../vocabulary';

/** Schemas shared by several routes. */
export const wsParams = z.object({ ws: z.string().min(1).max(64) });

export const numberSchema = z
  .object({
    id: z.string(),
    e164: z.string().openapi({ example: '+14155550123' }),
    kind: z.enum(['shared', 'custom', 'byo']),
    type: z.enum(['local', 'toll_free', 'short_code', 'alphanumeric']),
    country: z.string(),
    throughputPerSecond: z.number(),
  })
  .openapi('PhoneNumber');

/**
 * Free text that is trimmed and may not be blank. The `\S` pattern says so in the OpenAPI
 * document too (a bare `minLength: 1` would promise that " " is accepted).
 */
export const text = (max: number) => z.string().regex(/\S/, 'must not be blank').trim().max(max);

export const listOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable() });

/** A whole list in one answer, shaped as a page (`listOf`) with no next one. */
export const unpaged = async <T>(rows: Promise<T[]>) => ({ data: await rows, nextCursor: null });

export const paging = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});

/** A message, wherever the API shows one: `/messages` and a conversation's thread (messaging/view.ts). */
export const messageSchema = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    channel: z.enum(CHANNELS),
    direction: z.enum(['inbound', 'outbound']),
    from: z.string(),
    to: z.string().openapi({ example: '+14155550123' }),
    body: z.string(),
    media: z
      .array(z.object({ url: z.string(), contentType: z.string() }))
      .openapi({ description: 'Received media: our authenticated proxy’s path (GET …/messages/{id}/media/{n}), never the provider’s URL, with the content type the provider gave; sent media: the URLs given' }),
    mediaUrls: z.array(z.string()).openapi({ description: 'The URLs of `media` alone' }),
    status: z.enum(MESSAGE_STATUSES).openapi({ description: 'accepted (or scheduled), queued, sending, sent, delivered, undelivered, failed, expired or cancelled; received for inbound' }),
    segments: z.number().int().nullable(),
    encoding: z.string().nullable().openapi({ description: 'GSM-7 or UCS-2' }),
    statusHistory: z.array(z.object({ status: z.string(), at: z.string(), errorCode: z.string().optional() })),
    errorCode: z.string().nullable().openapi({ description: "The provider's error code (e.g. 30003), or ours (channel_not_connected, recipient_opted_out, expired)" }),
    errorMessage: z.string().nullable().openapi({ description: 'What went wrong, for a person' }),
    sentBy: z.string().nullable().openapi({ description: 'The id of the API key that sent it (outbound)' }),
    validUntil: z.string().nullable(),
    sendAt: z.string().nullable().openapi({ description: 'A scheduled message does not leave before this' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Message');
