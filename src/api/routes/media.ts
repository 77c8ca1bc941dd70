import type { Router } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import type { Services } from '../../services';
import { INLINE_MEDIA, openInboundMedia } from '../../messaging/media';
import { defineRoute } from '../route';

/**
 * GET …/messages/{id}/media/{n}: a received picture, fetched from the provider with the account's
 * credentials and streamed back; the provider's URL never leaves the server. What the browser gets
 * can never act as a page of ours (sandboxed, not sniffed, and a download unless it is a picture,
 * video or sound).
 */
export function mediaRoute(router: Router, services: Services, messageParams: z.ZodObject<{ ws: z.ZodString; id: z.ZodString }>): void {
  defineRoute(
    router,
    {
      method: 'get',
      path: '/v1/workspaces/:ws/messages/:id/media/:n',
      summary: 'A received message’s n-th media (MMS), streamed through us from the provider (the body is the media itself, with its content type)',
      tags: ['Messages'],
      roles: ['admin', 'agent'],
      params: messageParams.extend({ n: z.coerce.number().int().min(0).max(9) }),
      errors: [404, 502],
    },
    async ({ params, res }) => {
      const media = await openInboundMedia(services.providers, params.ws, params.id, params.n);
      const type = media.contentType || media.storedType || 'application/octet-stream';
      res.status(200);
      res.set({
        'content-type': type,
        'cache-control': 'private, max-age=300',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
        ...(!INLINE_MEDIA.test(type.split(';')[0].trim()) && { 'content-disposition': 'attachment' }),
        ...(media.contentLength !== undefined && { 'content-length': String(media.contentLength) }),
      });
      // Headers are sent with the first bytes: a failure midway can only cut the response short.
      await pipeline(Readable.fromWeb(media.body as import('node:stream/web').ReadableStream), res).catch(() => res.destroy());
    },
  );
}
