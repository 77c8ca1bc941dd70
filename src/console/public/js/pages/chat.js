// Chat (agent): the threads of every channel, newest activity first, each with its channel icon
// and unread count; a thread's full history with delivery status, and a reply box. Polling
// brings new inbound messages in without a reload.
import { api, wsPath } from '../api.js';
import { h, replace, showPage, errorSlot, showError, showFormError, busy, timeEl } from '../dom.js';
import { messageStatus, channelOf, failureReason } from '../labels.js';
import { t, formatNumber } from '../i18n.js';
import { messageBox, newIdempotencyKey } from '../composer.js';
import { poller } from '../poll.js';
import { mediaNodes, scheduleNodes } from '../message-extras.js';

const contactOf = (c) => (c.contact && (c.contact.name || c.contact.address)) || c.contactAddress || t('chat.unknownContact');
const addressOf = (c) => (c.contact && c.contact.address) || c.contactAddress;

export async function render({ main, me, params }) {
  const selectedId = params[0];
  const listError = errorSlot('threads-error');
  const threads = h('ul', { class: 'plain threads', id: 'threads', 'aria-label': t('chat.conversations') });
  const pane = h('section', { class: 'thread', id: 'thread', 'aria-label': t('chat.conversation') });
  showPage(main, t('chat.title'), h('div', { class: `chat ${selectedId ? 'has-thread' : ''}` }, h('div', { class: 'thread-list' }, listError, threads), pane));

  let lastList = '';
  let conversation = null;
  async function refreshList() {
    const { data } = await api('GET', wsPath(me, '/conversations'));
    conversation = data.find((c) => c.id === selectedId) ?? conversation;
    const signature = JSON.stringify(data);
    if (signature === lastList) return;
    lastList = signature;
    replace(
      threads,
      data.length === 0 ? h('li', { class: 'muted' }, t('chat.empty')) : null,
      data.map((c) => {
        const channel = channelOf(c.channel);
        const unread = c.unreadCount ?? 0;
        return h(
          'li',
          {},
          h(
            'a',
            {
              href: `#/chat/${encodeURIComponent(c.id)}`,
              class: `thread-item ${c.id === selectedId ? 'selected' : ''}`,
              id: `thread-${c.id}`,
              'aria-current': c.id === selectedId ? 'true' : undefined,
              dataset: { channel: c.channel, unread: String(unread) },
            },
            h('span', { class: 'channel-icon', role: 'img', 'aria-label': channel.label, title: channel.label }, channel.icon),
            h('span', { class: 'who' }, contactOf(c)),
            unread > 0 ? h('span', { class: 'unread', 'aria-label': t('chat.unread', { count: unread }) }, formatNumber(unread)) : null,
            c.lastMessageAt ? timeEl(c.lastMessageAt) : null,
            h('span', { class: 'preview' }, c.lastMessagePreview ?? ''),
          ),
        );
      }),
    );
  }

  let lastThread = '';
  const history = h('ol', { class: 'plain history', id: 'history', 'aria-live': 'polite', 'aria-label': t('chat.history') });
  async function refreshThread() {
    const { data } = await api('GET', wsPath(me, `/conversations/${encodeURIComponent(selectedId)}/messages`));
    const signature = JSON.stringify(data);
    if (signature === lastThread) return;
    lastThread = signature;
    replace(
      history,
      data.map((m) => {
        const failed = ['failed', 'undelivered', 'expired'].includes(m.status);
        return h(
          'li',
          { class: `bubble ${m.direction}`, id: `message-${m.id}`, dataset: { status: m.status, direction: m.direction } },
          m.body ? h('p', { class: 'body' }, m.body) : null,
          m.media.length > 0 ? h('div', { class: 'media-list' }, mediaNodes(m)) : null,
          h(
            'div',
            { class: 'meta' },
            timeEl(m.createdAt),
            m.direction === 'outbound' ? [' · ', h('span', { class: `status msg-${m.status}`, 'data-role': 'status' }, messageStatus(m.status))] : null,
            m.direction === 'outbound' ? [' ', scheduleNodes(me, m, { onCancelled: () => refreshThread(), onError: (err) => showError(document.getElementById('reply-error'), err) })] : null,
          ),
          failed ? h('p', { class: 'error reason' }, failureReason(m)) : null,
        );
      }),
    );
    history.lastElementChild?.scrollIntoView({ block: 'nearest' });
  }

  async function markRead() {
    if (conversation && conversation.unreadCount > 0) {
      await api('POST', wsPath(me, `/conversations/${encodeURIComponent(selectedId)}/read`)).catch(() => undefined);
    }
  }

  /** SMS replies go out as messages (to the contact's number); web chat answers inside its conversation. */
  function sendReply(text, idempotencyKey) {
    if (conversation.channel === 'sms') {
      return api('POST', wsPath(me, '/messages'), { channel: 'sms', to: addressOf(conversation), body: text }, { 'idempotency-key': idempotencyKey });
    }
    return api('POST', wsPath(me, `/conversations/${encodeURIComponent(selectedId)}/messages`), { body: text });
  }

  function drawThread() {
    const channel = channelOf(conversation?.channel);
    const slot = errorSlot('reply-error');
    const box = messageBox({ id: 'reply-body', label: t('chat.reply'), rows: 3 });
    const send = h('button', { type: 'submit', class: 'primary', id: 'reply-send' }, t('chat.send'));
    let idempotencyKey = newIdempotencyKey();
    const form = h('form', { class: 'reply', novalidate: true }, box.nodes, slot, h('div', { class: 'actions' }, send));
    if (conversation?.channel === 'sms') {
      // an SMS reply leaves from the channel's sender: when that is a sender ID, this is the customer's last word
      api('GET', wsPath(me, '/sms'))
        .then((sms) => {
          if (sms.status === 'connected' && sms.number?.type === 'alphanumeric') box.count.after(h('p', { class: 'notice', id: 'reply-no-replies' }, t('comm.noReplies', { sender: sms.number.e164 })));
        })
        .catch(() => undefined);
    }
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      showFormError(form, slot, null);
      try {
        await busy(send, () => sendReply(box.textarea.value, idempotencyKey));
        idempotencyKey = newIdempotencyKey();
        box.textarea.value = '';
        box.textarea.dispatchEvent(new Event('input'));
        await refreshThread();
        box.textarea.focus();
      } catch (err) {
        showFormError(form, slot, err);
      }
    });
    replace(
      pane,
      h(
        'header',
        { class: 'thread-head' },
        h('a', { href: '#/chat', class: 'back' }, t('chat.back')),
        h('h2', { id: 'thread-title' }, h('span', { class: 'channel-icon', role: 'img', 'aria-label': channel.label }, channel.icon), ' ', conversation ? contactOf(conversation) : ''),
      ),
      history,
      form,
    );
  }

  try {
    await refreshList();
  } catch (err) {
    showError(listError, err);
  }
  if (selectedId) {
    if (!conversation) {
      replace(pane, h('p', { class: 'error', role: 'alert' }, t('chat.notFound')));
    } else {
      drawThread();
      await refreshThread().catch((err) => showError(document.getElementById('reply-error'), err));
      await markRead();
    }
  } else {
    replace(pane, h('p', { class: 'muted empty-thread' }, t('chat.choose')));
  }

  return poller(async () => {
    await refreshList();
    if (selectedId && conversation) {
      await refreshThread();
      await markRead();
    }
  });
}
