// Billing (admin): the Text Messages add-on, which every SMS feature stands behind.
import { api, wsPath } from '../api.js';
import { h, replace, errorSlot, showError, busy } from '../dom.js';

export async function render({ main, me }) {
  const slot = errorSlot('billing-error');
  const card = h('section', { class: 'card', 'aria-labelledby': 'addon-title' });
  replace(main, h('h1', {}, 'Billing'), card);

  function draw(active) {
    const toggle = h('button', { type: 'button', class: active ? '' : 'primary', id: 'addon-toggle' }, active ? 'Turn off' : 'Turn on');
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
      h('h2', { id: 'addon-title' }, 'Add-ons'),
      h(
        'div',
        { class: 'addon' },
        h('div', {}, h('strong', {}, 'Text Messages'), h('p', { class: 'help' }, 'Send and receive SMS from a shared or custom number, in Chat beside your other channels.')),
        h('span', { class: `badge ${active ? 'status-connected' : 'status-not_configured'}`, id: 'addon-status' }, active ? 'Active' : 'Not active'),
        toggle,
      ),
      slot,
      active ? h('p', {}, h('a', { href: '#/settings/sms' }, 'Set up Text Messages in Settings →')) : null,
    );
  }

  const channel = await api('GET', wsPath(me, '/sms'));
  draw(channel.addon.active);
}
