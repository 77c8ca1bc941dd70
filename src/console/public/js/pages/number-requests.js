import { h, errorSlot, showError, busy } from '../dom.js';
import { requestStatus, typeLabel } from '../labels.js';
import { t } from '../i18n.js';
import { timelineList } from '../timeline.js';

/** The workspace's custom-number requests, each with its timeline; a pending one has a Cancel button that calls `cancel(request)`. */
export function requestsSection(requests, cancel) {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'requests-title', id: 'number-requests' },
    h('h2', { id: 'requests-title' }, t('settings.requestsTitle')),
    requests.length === 0
      ? h('p', { class: 'muted' }, t('settings.requestsEmpty'))
      : h(
          'ul',
          { class: 'plain' },
          requests.map((r) => {
            const title = `request-${r.id}`;
            return h(
              'li',
              { class: 'request', id: `req-${r.id}`, dataset: { status: r.status } },
              h(
                'h3',
                { id: title },
                `${t('request.kind', { country: r.country, type: typeLabel(r.type) })}${r.areaCode ? t('settings.areaCodePart', { areaCode: r.areaCode }) : ''} — `,
                h('span', { class: `badge request-${r.status}` }, requestStatus(r.status)),
                r.number ? ` · ${r.number.e164}` : null,
              ),
              r.reason ? h('p', {}, t('settings.reason', { reason: r.reason })) : null,
              timelineList(r, title),
              r.status === 'pending_approval' ? cancelButton(r, cancel) : null,
            );
          }),
        ),
  );
}

function cancelButton(request, cancel) {
  const slot = errorSlot(`cancel-error-${request.id}`);
  const button = h('button', { type: 'button', id: `cancel-${request.id}`, 'aria-describedby': `request-${request.id}` }, t('settings.cancelRequest'));
  button.addEventListener('click', async () => {
    try {
      await busy(button, () => api('DELETE', path(`/number-requests/${encodeURIComponent(request.id)}`)));
      drawRequests(await loadRequests());
    } catch (err) {
      showError(slot, err);
    }
  });
  return h('div', {}, button, slot);
}
