// Settings → SMS → Your own senders (admin): the workspace's own Twilio account (checked by the
// API with Twilio before it is saved; the token never comes back), its numbers with where their
// texts go and Connect, the exact manual steps when the account does not let us set the webhook,
// Remove with a confirmation; and alphanumeric sender IDs, which nobody can reply to.
import { api, wsPath, ApiError } from '../api.js';
import { h, replace, field, errorSlot, showError, showFormError, busy, timeEl } from '../dom.js';
import { t } from '../i18n.js';
import { confirmDialog } from '../confirm.js';

export async function render({ main, me }) {
  const path = (rest) => wsPath(me, `/sms${rest}`);
  const pageError = errorSlot('own-error');
  const accountBox = h('section', { class: 'card', 'aria-labelledby': 'account-title', id: 'own-account' });
  const sendersBox = h('section', { class: 'card', 'aria-labelledby': 'senders-title', id: 'sender-ids' });
  replace(
    main,
    h('p', {}, h('a', { href: '#/settings/sms' }, t('own.back'))),
    h('h1', {}, t('nav.ownSendersTitle')),
    pageError,
    accountBox,
    sendersBox,
  );

  /** The account, or null when the workspace has none. */
  async function loadAccount() {
    try {
      return await api('GET', path('/provider-account'));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  }

  async function drawAccount(notice) {
    // the numbers are asked for at once too (one provider call): a workspace without an account answers 404, ignored
    const listed = api('GET', path('/provider-account/numbers')).then(
      ({ data }) => ({ data }),
      (error) => ({ error }),
    );
    const [account, channel] = await Promise.all([loadAccount(), api('GET', path(''))]);
    if (!account) return replace(accountBox, h('h2', { id: 'account-title' }, t('own.accountTitle')), h('p', { class: 'help' }, t('own.accountIntro')), accountForm());
    const numbers = h('div', { id: 'account-numbers' }, h('p', { class: 'muted' }, t('app.loading')));
    const remove = h('button', { type: 'button', class: 'danger', id: 'account-remove' }, t('own.remove'));
    remove.addEventListener('click', () => confirmRemove(remove, account));
    replace(
      accountBox,
      h('h2', { id: 'account-title' }, t('own.accountTitle')),
      notice ?? null,
      h('dl', { class: 'facts' }, h('dt', {}, t('own.accountSid')), h('dd', { id: 'account-sid' }, account.accountSid), h('dt', {}, t('own.addedAt')), h('dd', {}, timeEl(account.createdAt))),
      h('h3', { id: 'numbers-title' }, t('own.numbersTitle')),
      numbers,
      tokenForm(),
      h('div', { class: 'actions' }, remove),
    );
    const { data, error } = await listed;
    if (error) return replace(numbers, h('p', { class: 'error', role: 'alert' }, error.message));
    replace(numbers, data.length === 0 ? h('p', { class: 'muted' }, t('own.noNumbers')) : h('ul', { class: 'plain account-numbers', 'aria-labelledby': 'numbers-title' }, data.map((n) => numberItem(n, channel))));
  }

  function numberItem(n, channel) {
    const connected = channel.status === 'connected' && channel.number && channel.number.e164 === n.e164;
    const where = n.webhook === 'elsewhere' ? t('own.webhook.elsewhere', { url: n.smsUrl }) : t(`own.webhook.${n.webhook}`);
    const slot = errorSlot(`connect-error-${n.sid}`);
    const connect = connected ? null : h('button', { type: 'button', class: 'primary', id: `connect-${n.sid}` }, t('own.connect'));
    connect?.addEventListener('click', async () => {
      showError(slot, null);
      try {
        const result = await busy(connect, () => api('POST', path(`/provider-account/numbers/${encodeURIComponent(n.sid)}/connect`)));
        await drawAccount(result.webhook.status === 'manual' ? manualSteps(n.e164, result.webhook.smsUrl) : h('p', { class: 'notice', role: 'status', id: 'connect-done' }, t('own.webhookSet', { e164: n.e164 })));
      } catch (err) {
        showError(slot, err);
      }
    });
    return h(
      'li',
      { class: 'account-number', id: `account-number-${n.sid}`, dataset: { webhook: n.webhook } },
      h('strong', {}, n.e164),
      n.friendlyName && n.friendlyName !== n.e164 ? h('span', { class: 'muted' }, ` · ${n.friendlyName}`) : null,
      h('div', { class: 'help' }, where),
      connected ? h('span', { class: 'badge status-connected' }, t('channelStatus.connected')) : connect,
      slot,
    );
  }

  /** The steps in the console's words; the URL is the one the API gave, to copy exactly. */
  function manualSteps(e164, smsUrl) {
    return h(
      'div',
      { class: 'banner', role: 'status', id: 'manual-webhook' },
      h('h3', {}, t('own.manualTitle', { e164 })),
      h('p', {}, t('own.manualIntro')),
      h(
        'ol',
        {},
        h('li', {}, t('own.manual1', { e164 })),
        h('li', {}, t('own.manual2')),
        h('li', {}, t('own.manual3'), ' ', h('code', { id: 'manual-url' }, smsUrl)),
        h('li', {}, t('own.manual4')),
      ),
    );
  }

  /**
   * Saves the account with the token typed in `token` (the API checks both with Twilio first). The
   * token never lingers in the page: a failure empties its field, a success redraws the form.
   */
  function saveAccountOnSubmit(form, slot, submit, token, accountSid) {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      showFormError(form, slot, null);
      const body = { accountSid: accountSid(), authToken: token.value.trim() };
      try {
        await busy(submit, () => api('PUT', path('/provider-account'), body));
        await drawAccount(h('p', { class: 'notice', role: 'status', id: 'account-saved' }, t('own.saved')));
      } catch (err) {
        token.value = '';
        showFormError(form, slot, err);
      }
    });
  }

  function accountForm() {
    const slot = errorSlot('account-error');
    const submit = h('button', { type: 'submit', class: 'primary', id: 'account-save' }, t('own.save'));
    const form = h(
      'form',
      { novalidate: true, id: 'account-form' },
      field(t('own.accountSid'), { id: 'account-sid-input', name: 'accountSid', autocomplete: 'off', spellcheck: 'false', required: true, placeholder: 'AC…' }),
      field(t('own.authToken'), { id: 'account-token-input', name: 'authToken', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true }),
      slot,
      h('div', { class: 'actions' }, submit),
    );
    saveAccountOnSubmit(form, slot, submit, form.elements.namedItem('authToken'), () => form.elements.namedItem('accountSid').value.trim());
    return form;
  }

  function tokenForm() {
    const slot = errorSlot('token-error');
    const submit = h('button', { type: 'submit', id: 'token-save' }, t('own.replace'));
    const input = h('input', { id: 'token-input', name: 'authToken', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, 'aria-describedby': 'token-help' });
    const form = h(
      'form',
      { novalidate: true, class: 'token-form' },
      h('label', { for: 'token-input' }, t('own.replaceToken')),
      input,
      h('p', { class: 'help', id: 'token-help' }, t('own.replaceHelp')),
      slot,
      h('div', { class: 'actions' }, submit),
    );
    saveAccountOnSubmit(form, slot, submit, input, () => document.getElementById('account-sid').textContent);
    return form;
  }

  function confirmRemove(opener, account) {
    confirmDialog(opener, {
      name: 'remove',
      title: t('own.removeTitle', { sid: account.accountSid }),
      description: t('own.removeDesc'),
      confirm: t('own.remove'),
      keep: t('own.keep'),
      action: () => api('DELETE', path('/provider-account')),
      then: () => drawAccount(),
    });
  }

  async function drawSenders() {
    const { data } = await api('GET', path('/sender-ids'));
    const slot = errorSlot('sender-error');
    const submit = h('button', { type: 'submit', class: 'primary', id: 'sender-register' }, t('own.register'));
    const form = h(
      'form',
      { novalidate: true, id: 'sender-form' },
      field(t('own.senderId'), { id: 'sender-id-input', name: 'senderId', maxlength: 11, autocomplete: 'off', required: true }, { id: 'sender-id-help', text: t('own.senderIdHelp') }),
      field(t('own.country'), { id: 'sender-country-input', name: 'country', maxlength: 2, autocomplete: 'off', required: true }, { id: 'sender-country-help', text: t('own.countryHelp') }),
      slot,
      h('div', { class: 'actions' }, submit),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      showFormError(form, slot, null);
      const body = { senderId: form.elements.namedItem('senderId').value.trim(), country: form.elements.namedItem('country').value.trim().toUpperCase() };
      try {
        await busy(submit, () => api('POST', path('/sender-ids'), body));
        await drawSenders();
        document.getElementById('sender-id-input')?.focus();
      } catch (err) {
        showFormError(form, slot, err);
      }
    });
    replace(
      sendersBox,
      h('h2', { id: 'senders-title' }, t('own.sendersTitle')),
      h('p', { class: 'help' }, t('own.sendersIntro')),
      h('p', { class: 'notice', id: 'no-replies' }, t('own.noReplies')),
      data.length === 0
        ? h('p', { class: 'muted', id: 'sender-ids-empty' }, t('own.noSenders'))
        : h('ul', { class: 'plain', id: 'sender-id-list' }, data.map((n) => h('li', { class: 'sender-id' }, h('strong', {}, n.e164), ` (${n.country})`))),
      data.length ? h('p', { class: 'help' }, t('own.useHint')) : null,
      form,
    );
  }

  try {
    await Promise.all([drawAccount(), drawSenders()]);
  } catch (err) {
    showError(pageError, err);
  }
}
