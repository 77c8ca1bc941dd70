import { AppError, notFound } from '../errors';
import { findMessageMedia } from './store';
import { numberByE164 } from '../numbers/lookup';
import { ProviderError, type ProviderMedia } from '../provider';
import type { ProviderDirectory } from '../provider/directory';

/*
 * Pictures (MMS). Outbound: `mediaUrls` (the sender's own https URLs) go to the provider with the
 * message. Inbound: the provider's media URLs need the account's credentials, so they are never
 * shown: every response names our proxy (`mediaPath`) instead, which fetches the media with the
 * credentials of the account that owns the receiving number and streams it back.
 */

type MediaItem = { url?: string | null; contentType?: string | null };
type WithMedia = { _id: string; workspaceId?: string; direction: string; media?: MediaItem[] | null };

export const mediaPath = (workspaceId: string, messageId: string, n: number) =>
  `/v1/workspaces/${encodeURIComponent(workspaceId)}/messages/${encodeURIComponent(messageId)}/media/${n}`;

/** A message's media as responses show them: inbound ones by our proxy's path, outbound as the sender gave them. */
export function mediaView(m: WithMedia): Array<{ url: string; contentType: string }> {
  return (m.media ?? []).flatMap((x, n) =>
    x.url ? [{ url: m.direction === 'inbound' && m.workspaceId ? mediaPath(m.workspaceId, m._id, n) : x.url, contentType: x.contentType ?? '' }] : [],
  );
}

/**
 * The n-th media of a received message, from the provider. Not found (404) when the message is not
 * the workspace's, is not inbound or has no such media; the provider failing or refusing is a 502
 * `media_unavailable` (its URL and answer stay out of the error).
 */
export async function openInboundMedia(providers: ProviderDirectory, workspaceId: string, messageId: string, n: number): Promise<ProviderMedia & { storedType?: string }> {
  const message = await findMessageMedia(workspaceId, messageId);
  if (!message) throw notFound('Message');
  const item = message.direction === 'inbound' ? message.media?.[n] : undefined;
  if (!item?.url) throw notFound('Media');
  const number = await numberByE164(message.to);
  const handle = number && (await providers.forAccount(number.accountSid));
  if (!handle) throw unavailable('the provider account of the number it was sent to is no longer connected');
  try {
    return { ...(await handle.provider.fetchMedia(item.url)), ...(item.contentType && { storedType: item.contentType }) };
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    throw unavailable(err.category === 'permanent' ? 'the provider no longer has it or refused to give it' : 'the provider could not be reached');
  }
}

const unavailable = (why: string) => new AppError('media_unavailable', `The media could not be fetched from the SMS provider: ${why}. Try again later.`);

/** Kinds a browser may show inline; anything else is offered as a download (never run as a page of ours). */
export const INLINE_MEDIA = /^(image\/(png|jpeg|gif|webp)|video\/(mp4|webm)|audio\/[\w.+-]+)$/i;
