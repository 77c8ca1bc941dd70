import { h, uid } from './dom.js';
import { countSegments } from './segments.js';
import { t } from './i18n.js';

/** The message box with its live count of characters, segments and encoding. */
export function messageBox({ id, label, rows = 4 }) {
  const countId = uid('count');
  const textarea = h('textarea', { id, name: 'body', rows, maxlength: 1600, required: true, 'aria-describedby': countId });
  const count = h('p', { class: 'count', id: countId, 'aria-live': 'polite' });
  const update = () => {
    const c = countSegments(textarea.value);
    count.textContent = t('composer.count', {
      characters: t('composer.characters', { count: c.characters }),
      segments: t('composer.segments', { count: c.segments }),
      encoding: c.encoding,
    });
    count.dataset.segments = String(c.segments);
    count.dataset.encoding = c.encoding;
  };
  textarea.addEventListener('input', update);
  update();
  return { textarea, count, nodes: [h('label', { for: id }, label), textarea, count] };
}

/** A fresh idempotency key per message the person means to send: a retried click never sends twice. */
export const newIdempotencyKey = () => crypto.randomUUID();
