// Settings → SMS / Text Messages (admin): status and number, Configure (Number dropdown, Save,
// Request custom number), the Enabled switch, Disconnect with a confirmation, the add-on banner
// and webhook health, and the custom-number requests with their timelines.
import { api, wsPath, ApiError } from '../api.js';
import { h, replace, showPage, errorSlot, showError, showFormError, busy, openDialog, timeEl } from '../dom.js';
import { channelStatus, numberLabel } from '../labels.js';
import { t } from '../i18n.js';
import { confirmDialog } from '../confirm.js';
import { poller } from '../poll.js';
import { requestsSection } from './number-requests.js';

const OPEN_REQUEST = new Set(['pending_approval', 'provisioning']);

/** Webhook statuses with a fix to suggest; the words are `webhook.<status>` and `webhook.<status>Fix`. */
const WEBHOOK_FIX = new Set(['unknown', 'repaired', 'misconfigured', 'error']);

export async function render({ main, me }) {
  const path = (rest = '') => wsPath(me, `/sms${rest}`);
  const pageError = errorSlot('settings-error');
  const content = h('div');
  // Requests redraw on their own (they are polled while one is open): the controls above keep focus.
  const requestsBox = h('div');
  showPage(main, t('nav.settingsTitle'), pageError, content, requestsBox);
  let openRequests = false;

  async function refresh() {
    const [channel, requests] = await Promise.all([api('GET', path()), loadRequests()]);
    draw(channel);
    drawRequests(requests);
  }

  async function refreshRequests() {
    if (openRequests) drawRequests(await loadRequests());
  }

  let lastRequests = '';
  function drawRequests(requests) {
    openRequests = Boolean(requests && requests.some((r) => OPEN_REQUEST.has(r.status)));
    const signature = JSON.stringify(requests);
    if (signature === lastRequests) return;
    lastRequests = signature;
    replace(requestsBox, requests ? requestsSection(requests, cancelRequest) : null);
  }

  async function cancelRequest(request) {
    await api('DELETE', path(`/number-requests/${encodeURIComponent(request.id)}`));
    drawRequests(await loadRequests());
  }

  async function loadRequests() {
    try {
      return (await api('GET', path('/number-requests'))).data;
    } catch (err) {
      if (err instanceof ApiError && (err.code === 'addon_required' || err.status === 404)) return null;
      throw err;
    }
  }

  function draw(channel) {
    const status = channelStatus(channel);
    const addonOff = !channel.addon.active;
    const connected = channel.status === 'connected';
    const actionError = errorSlot('sms-action-error');

    const enabled = h('input', {
      type: 'checkbox',
      role: 'switch',
      id: 'sms-enabled',
      checked: channel.enabled,
      disabled: addonOff || !connected,
      'aria-describedby': 'sms-enabled-help',
    });
    enabled.addEventListener('change', () =>
      act(enabled, () => api('PATCH', path(), { enabled: enabled.checked, revision: channel.revision }), () => (enabled.checked = !enabled.checked)),
    );

    const configure = h('button', { type: 'button', class: 'primary', id: 'sms-configure', disabled: addonOff }, t('settings.configure'));
    configure.addEventListener('click', () => openConfigure(configure, channel));
    const disconnect = connected
      ? h('button', { type: 'button', class: 'danger', id: 'sms-disconnect', disabled: addonOff }, t('settings.disconnect'))
      : null;
    disconnect?.addEventListener('click', () => confirmDisconnect(disconnect, channel));

    async function act(control, call, undo) {
      showError(actionError, null);
      try {
        await busy(control, call);
        await refresh();
        document.getElementById(control.id)?.focus();
      } catch (err) {
        undo?.();
        showError(actionError, err);
      }
    }

    replace(
      content,
      addonOff
        ? h(
            'div',
            { class: 'banner', role: 'status', id: 'addon-banner' },
            h('strong', {}, t('settings.addonRequired')),
            t('settings.addonExplain'),
            h('a', { href: '#/billing', id: 'go-billing' }, t('settings.goBilling')),
          )
        : null,
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'sms-channel-title' },
        h('h2', { id: 'sms-channel-title' }, t('settings.cardTitle')),
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, t('settings.status')),
          h('dd', {}, h('span', { class: `badge status-${status.key}`, id: 'sms-status' }, status.label)),
          h('dt', {}, t('settings.number')),
          h('dd', { id: 'sms-number' }, channel.number ? numberLabel(channel.number) : t('settings.none')),
        ),
        h(
          'div',
          { class: 'switch-row' },
          enabled,
          h('label', { for: 'sms-enabled' }, t('settings.enabled')),
          h('span', { class: 'help', id: 'sms-enabled-help' }, connected ? t('settings.enabledHelp') : t('settings.connectFirst')),
        ),
        channel.number?.type === 'alphanumeric' ? h('p', { class: 'notice', id: 'no-replies' }, t('settings.noReplies', { sender: channel.number.e164 })) : null,
        h('div', { class: 'actions' }, configure, disconnect),
        actionError,
        addonOff ? null : h('p', {}, h('a', { href: '#/settings/sms/own', id: 'own-senders-link' }, t('settings.ownSendersLink'))),
      ),
      // a sender ID receives nothing: no webhook to be healthy (the notice above says replies are impossible)
      connected && channel.number?.type !== 'alphanumeric'
        ? h(
            'section',
            { class: 'card', 'aria-labelledby': 'webhook-title' },
            h('h2', { id: 'webhook-title' }, t('settings.webhookTitle')),
            h('p', { id: 'webhook-status' }, h('span', { class: `badge webhook-${channel.webhook.status}` }, t(`webhook.${channel.webhook.status}`)), channel.webhook.checkedAt ? [t('settings.checked'), timeEl(channel.webhook.checkedAt)] : null),
            // the check's own record, in the API's words (numbers, URLs, what was wrong)
            channel.webhook.detail ? h('p', { lang: 'en' }, channel.webhook.detail) : null,
            WEBHOOK_FIX.has(channel.webhook.status) ? h('p', { class: 'help' }, t(`webhook.${channel.webhook.status}Fix`)) : null,
          )
        : null,
    );
  }

  async function openConfigure(opener, channel) {
    const slot = errorSlot('configure-error');
    const select = h('select', { id: 'sms-number-select', name: 'numberId', required: true }, h('option', { value: '' }, t('settings.loadingNumbers')));
    const save = h('button', { type: 'submit', class: 'primary', id: 'sms-save' }, t('settings.save'));
    const cancel = h('button', { type: 'button', value: 'cancel' }, t('settings.cancel'));
    const requestLink = h('button', { type: 'button', class: 'link', id: 'request-custom-number' }, t('settings.requestCustom'));
    const form = h(
      'form',
      { method: 'dialog' },
      h('h2', { id: 'configure-title' }, t('settings.configureTitle')),
      h('label', { for: 'sms-number-select' }, t('settings.number')),
      select,
      h('p', { class: 'help' }, t('settings.numberHelp')),
      h('p', {}, requestLink),
      slot,
      h('div', { class: 'actions' }, save, cancel),
    );
    const dialog = h('dialog', { 'aria-labelledby': 'configure-title', id: 'configure-dialog' }, form);
    cancel.addEventListener('click', () => dialog.close());
    requestLink.addEventListener('click', () => showRequestForm(dialog));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      showFormError(form, slot, null);
      try {
        // The revision the page showed: a change someone made meanwhile answers 409 conflict instead of being overwritten.
        await busy(save, () => api('PUT', path(), { numberId: select.value, revision: channel.revision }));
        dialog.close();
        await refresh();
      } catch (err) {
        showFormError(form, slot, err);
      }
    });
    openDialog(dialog, opener);
    try {
      const numbers = (await api('GET', path('/numbers'))).data;
      replace(
        select,
        numbers.length === 0 ? h('option', { value: '' }, t('settings.noNumbers')) : null,
        numbers.map((n) => h('option', { value: n.id, selected: channel.number?.id === n.id }, numberLabel(n))),
      );
      select.focus();
    } catch (err) {
      replace(select, h('option', { value: '' }, t('settings.numbersFailed')));
      showError(slot, err);
    }
  }

  function showRequestForm(dialog) {
    const slot = errorSlot('request-error');
    const field = (id, label, control, help) => [h('label', { for: id }, label), control, help ? h('p', { class: 'help' }, help) : null];
    const submit = h('button', { type: 'submit', class: 'primary', id: 'request-submit' }, t('settings.sendRequest'));
    const back = h('button', { type: 'button' }, t('settings.cancel'));
    const form = h(
      'form',
      { method: 'dialog', novalidate: true },
      h('h2', { id: 'request-title' }, t('settings.requestTitle')),
      field('req-country', t('settings.country'), h('input', { id: 'req-country', name: 'country', value: 'US', maxlength: 2, required: true, autocomplete: 'off' }), t('settings.countryHelp')),
      field(
        'req-type',
        t('settings.type'),
        h(
          'select',
          { id: 'req-type', name: 'type' },
          h('option', { value: 'local' }, t('settings.typeLocal')),
          // sender IDs are registered by the admin (Your own senders), not requested from support
          h('option', { value: 'toll_free' }, t('settings.typeTollFree')),
        ),
      ),
      field('req-area', t('settings.areaCode'), h('input', { id: 'req-area', name: 'areaCode', inputmode: 'numeric', autocomplete: 'off' })),
      field('req-region', t('settings.region'), h('input', { id: 'req-region', name: 'region', autocomplete: 'off' })),
      field('req-note', t('settings.note'), h('textarea', { id: 'req-note', name: 'note', rows: 2 })),
      slot,
      h('div', { class: 'actions' }, submit, back),
    );
    dialog.setAttribute('aria-labelledby', 'request-title');
    replace(dialog, form);
    back.addEventListener('click', () => dialog.close());
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const values = Object.fromEntries([...new FormData(form)].filter(([, v]) => String(v).trim() !== '').map(([k, v]) => [k, String(v).trim()]));
      if (values.country) values.country = values.country.toUpperCase();
      showFormError(form, slot, null);
      try {
        const created = await busy(submit, () => api('POST', path('/number-requests'), values));
        dialog.close();
        await refresh();
        document.getElementById(`req-${created.id}`)?.scrollIntoView({ block: 'nearest' });
      } catch (err) {
        showFormError(form, slot, err);
      }
    });
    form.querySelector('input')?.focus();
  }

  function confirmDisconnect(opener, channel) {
    confirmDialog(opener, {
      name: 'disconnect',
      title: t('settings.disconnectTitle', { number: channel.number?.e164 ?? t('settings.theNumber') }),
      description: t('settings.disconnectDesc'),
      confirm: t('settings.disconnect'),
      keep: t('settings.keepConnected'),
      action: () => api('DELETE', path()),
      then: refresh,
    });
  }

  try {
    await refresh();
  } catch (err) {
    showError(pageError, err);
  }
  return poller(refreshRequests, 2000);
}
