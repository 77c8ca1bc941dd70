// Communication (agent): the green New button, Text Message as the channel, recipient and body
// with a live count, Send, then the message's status as it moves and the reason when it fails.
import { api, wsPath } from '../api.js';
import { h, replace, errorSlot, showError, showFormError, busy, openDialog, timeEl } from '../dom.js';
import { messageStatus, FINAL_MESSAGE_STATUSES, failureReason } from '../labels.js';
import { t } from '../i18n.js';
import { messageBox, newIdempotencyKey } from '../composer.js';
import { poller } from '../poll.js';
import { mediaNodes, scheduleNodes, sendAtField } from '../message-extras.js';

/** Messages sent from this tab, newest first; kept while the tab lives so coming back shows them. */
const sent = [];

export async function render({ main, me }) {
  // What the messages are sent from (a sender ID cannot be replied to, and the composer says so).
  // Not awaited: the page draws at once, and a quick switch to another page cannot be overtaken by it.
  const sender = api('GET', wsPath(me, '/sms'))
    .then((channel) => (channel.status === 'connected' ? channel.number : null))
    .catch(() => null);
  const newButton = h('button', { type: 'button', class: 'new', id: 'new-message', 'aria-haspopup': 'dialog' }, t('comm.new'));
  const list = h('ul', { class: 'plain sent-list', id: 'sent-messages', 'aria-live': 'polite' });
  const listError = errorSlot('sent-error');
  replace(
    main,
    h('div', { class: 'page-head' }, h('h1', {}, t('comm.title')), newButton),
    h('section', { class: 'card', 'aria-labelledby': 'sent-title' }, h('h2', { id: 'sent-title' }, t('comm.sentTitle')), listError, list),
  );
  newButton.addEventListener('click', () => openComposer(newButton));

  function draw() {
    replace(
      list,
      sent.length === 0 ? h('li', { class: 'muted' }, t('comm.empty')) : null,
      sent.map((m) => {
        const failed = ['failed', 'undelivered', 'expired'].includes(m.status);
        return h(
          'li',
          { class: 'sent', id: `msg-${m.id}`, dataset: { status: m.status } },
          h('div', {}, h('strong', {}, t('comm.to', { to: m.to })), ' · ', timeEl(m.createdAt), ' · ', t('comm.segmentsEncoding', { segments: t('composer.segments', { count: m.segments }), encoding: m.encoding ?? '' })),
          h('p', { class: 'body' }, m.body),
          m.mediaUrls && m.mediaUrls.length > 0 ? h('div', { class: 'media-list' }, mediaNodes(m)) : null,
          h('span', { class: `badge msg-${m.status}`, 'data-role': 'status' }, messageStatus(m.status)),
          ' ',
          scheduleNodes(me, m, {
            onCancelled: (fresh) => {
              Object.assign(m, fresh);
              showError(listError, null);
              draw();
            },
            onError: (err) => showError(listError, err),
          }),
          m.statusHistory && m.statusHistory.length > 1
            ? h('span', { class: 'muted history-line' }, ` ${m.statusHistory.map((step) => messageStatus(step.status)).join(' → ')}`)
            : null,
          failed ? h('p', { class: 'error reason', 'data-role': 'reason' }, failureReason(m)) : null,
        );
      }),
    );
  }

  async function follow() {
    const pending = sent.filter((m) => !FINAL_MESSAGE_STATUSES.has(m.status));
    if (pending.length === 0) return;
    const fresh = await Promise.all(pending.map((m) => api('GET', wsPath(me, `/messages/${encodeURIComponent(m.id)}`))));
    for (const f of fresh) Object.assign(sent.find((m) => m.id === f.id), f);
    draw();
  }

  function openComposer(opener) {
    const slot = errorSlot('compose-error');
    const idempotencyKey = newIdempotencyKey();
    const box = messageBox({ id: 'compose-body', label: t('comm.message') });
    const send = h('button', { type: 'submit', class: 'primary', id: 'compose-send' }, t('comm.send'));
    const cancel = h('button', { type: 'button' }, t('comm.cancel'));
    const later = sendAtField('compose-send-at');
    const to = h('input', { id: 'compose-to', name: 'to', type: 'tel', autocomplete: 'off', required: true, placeholder: '+14155550123' });
    const form = h(
      'form',
      { method: 'dialog', novalidate: true },
      h('h2', { id: 'compose-title' }, t('comm.newTitle')),
      h('label', { for: 'compose-channel' }, t('comm.channel')),
      h('select', { id: 'compose-channel', name: 'channel' }, h('option', { value: 'sms' }, t('comm.channelSms'))),
      h('label', { for: 'compose-to' }, t('comm.toLabel')),
      to,
      h('p', { class: 'help' }, t('comm.toHelp')),
      box.nodes,
      later.nodes,
      slot,
      h('div', { class: 'actions' }, send, cancel),
    );
    const dialog = h('dialog', { 'aria-labelledby': 'compose-title', id: 'compose-dialog' }, form);
    cancel.addEventListener('click', () => dialog.close());
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      showFormError(form, slot, null);
      try {
        const sendAt = later.value();
        const body = { channel: form.elements.namedItem('channel').value, to: to.value.trim(), body: box.textarea.value, ...(sendAt && { sendAt }) };
        const message = await busy(send, () => api('POST', wsPath(me, '/messages'), body, { 'idempotency-key': idempotencyKey }));
        sent.unshift({ to: body.to, body: body.body, createdAt: new Date().toISOString(), ...message });
        dialog.close();
        draw();
      } catch (err) {
        showFormError(form, slot, err);
      }
    });
    openDialog(dialog, opener);
    to.focus();
    sender.then((number) => {
      if (number?.type === 'alphanumeric') box.count.after(h('p', { class: 'notice', id: 'compose-no-replies' }, t('comm.noReplies', { sender: number.e164 })));
    });
  }

  draw();
  return poller(follow, 1000);
}
