// Billing (admin): the Text Messages add-on, which every SMS feature stands behind.
import { api, wsPath } from '../api.js';
import { h, replace, showPage, errorSlot, showError, busy } from '../dom.js';
import { t } from '../i18n.js';

export async function render({ main, me }) {
  const slot = errorSlot('billing-error');
  const card = h('section', { class: 'card', 'aria-labelledby': 'addon-title' });
  showPage(main, t('billing.title'), card);

  function draw(active) {
    const toggle = h('button', { type: 'button', class: active ? '' : 'primary', id: 'addon-toggle' }, active ? t('billing.turnOff') : t('billing.turnOn'));
    toggle.addEventListener('click', async () => {
      showError(slot, null);
      try {
        const result = await busy(toggle, () => api('PUT', wsPath(me, '/addons/sms'), { active: !active }));
        draw(result.active);
        document.getElementById('addon-toggle')?.focus();
      } catch (err) {
        showError(slot, err);
      }
    });
    replace(
      card,
      h('h2', { id: 'addon-title' }, t('billing.addons')),
      h(
        'div',
        { class: 'addon' },
        h('div', {}, h('strong', {}, t('billing.textMessages')), h('p', { class: 'help' }, t('billing.textMessagesHelp'))),
        h('span', { class: `badge ${active ? 'status-connected' : 'status-not_configured'}`, id: 'addon-status' }, active ? t('billing.active') : t('billing.notActive')),
        toggle,
      ),
      slot,
      active ? h('p', {}, h('a', { href: '#/settings/sms' }, t('billing.setUp'))) : null,
    );
  }

  const channel = await api('GET', wsPath(me, '/sms'));
  draw(channel.addon.active);
}
