// What a message may carry besides its text, shown the same way in the chat thread and in
// Communication's list: pictures (received ones through the API's authenticated media proxy) and,
// for a scheduled message, when it goes and a button to cancel it while it has not left.
import { api, wsPath, mediaDataUrl } from './api.js';
import { h, busy } from './dom.js';
import { t, formatTime } from './i18n.js';

/** Loaded pictures by proxy path: a redraw of the thread does not fetch them again. */
const loaded = new Map();

/** The message's media: received pictures inline, anything else as a link. */
export function mediaNodes(m) {
  return (m.media || (m.mediaUrls || []).map((url) => ({ url, contentType: '' }))).map((item, n) => {
    const label = t('media.picture', { n: n + 1 });
    if (!item.url.startsWith('/v1/')) return h('a', { class: 'media-link', href: item.url, target: '_blank', rel: 'noopener noreferrer' }, label);
    const img = h('img', { class: 'media', alt: label, dataset: { media: String(n) } });
    const slot = h('span', { class: 'media-slot' }, img);
    const show = (loadedMedia) => {
      if (loadedMedia.type.startsWith('image/')) img.src = loadedMedia.url;
      else slot.replaceChildren(h('a', { class: 'media-link', href: loadedMedia.url, download: '' }, t('media.download', { n: n + 1 })));
    };
    if (!loaded.has(item.url)) loaded.set(item.url, mediaDataUrl(item.url));
    loaded.get(item.url).then(show, () => {
      loaded.delete(item.url);
      slot.replaceChildren(h('span', { class: 'error media-error' }, t('media.unavailable')));
    });
    return slot;
  });
}

export const cancellable = (m) => m.direction !== 'inbound' && (m.status === 'scheduled' || m.status === 'accepted');

/** "Scheduled for …" and a Cancel button while the message has not started to leave. */
export function scheduleNodes(me, m, { onCancelled, onError }) {
  const when = m.status === 'scheduled' && m.sendAt ? h('span', { class: 'scheduled-for', 'data-role': 'scheduled' }, t('schedule.for', { time: formatTime(m.sendAt) })) : null;
  if (!cancellable(m)) return [when];
  const button = h('button', { type: 'button', class: 'link cancel-message', id: `cancel-${m.id}` }, t('schedule.cancel'));
  button.addEventListener('click', async () => {
    try {
      onCancelled(await busy(button, () => api('DELETE', wsPath(me, `/messages/${encodeURIComponent(m.id)}`))));
    } catch (err) {
      onError(err);
    }
  });
  return [when, ' ', button];
}

/** The composer's "send later" field: a local date and time, sent as an ISO instant. */
export function sendAtField(id) {
  const input = h('input', { id, name: 'sendAt', type: 'datetime-local' });
  return {
    input,
    nodes: [h('label', { for: id }, t('schedule.sendAt')), input, h('p', { class: 'help' }, t('schedule.sendAtHelp'))],
    value: () => (input.value ? new Date(input.value).toISOString() : undefined),
  };
}
