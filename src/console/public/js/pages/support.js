// Support (platform staff): the queue of custom-number requests, a request's candidate numbers,
// approve (with a chosen number) or reject with a reason, and the timeline.
import { api } from '../api.js';
import { h, replace, showPage, errorSlot, showError, showFormError, busy, timeEl } from '../dom.js';
import { requestStatus, typeLabel } from '../labels.js';
import { t } from '../i18n.js';
import { timelineList } from '../timeline.js';

const STATUSES = ['pending_approval', 'provisioning', 'completed', 'rejected', 'cancelled', 'expired', 'failed'];

export async function render({ main, params }) {
  const selectedId = params[0];
  const filter = h(
    'select',
    { id: 'queue-status', name: 'status' },
    h('option', { value: '' }, t('support.all')),
    STATUSES.map((s) => h('option', { value: s, selected: s === 'pending_approval' }, requestStatus(s))),
  );
  const queueError = errorSlot('queue-error');
  const queue = h('ul', { class: 'plain queue', id: 'queue', 'aria-label': t('support.requests') });
  const detail = h('section', { class: 'card request-detail', id: 'request-detail', 'aria-label': t('support.request') });
  showPage(main, t('support.title'), h('div', { class: 'filters' }, h('label', { for: 'queue-status' }, t('support.status')), filter), queueError, h('div', { class: 'support' }, queue, detail));

  async function loadQueue() {
    showError(queueError, null);
    const query = filter.value ? `?status=${encodeURIComponent(filter.value)}` : '';
    try {
      const { data } = await api('GET', `/v1/support/number-requests${query}`);
      replace(
        queue,
        data.length === 0 ? h('li', { class: 'muted' }, t('support.empty')) : null,
        data.map((r) =>
          h(
            'li',
            {},
            h(
              'a',
              { href: `#/support/${encodeURIComponent(r.id)}`, class: `queue-item ${r.id === selectedId ? 'selected' : ''}`, id: `queue-${r.id}`, 'aria-current': r.id === selectedId ? 'true' : undefined },
              h('strong', {}, `${t('request.kind', { country: r.country, type: typeLabel(r.type) })}${r.areaCode ? ` (${r.areaCode})` : ''}`),
              h('span', { class: `badge request-${r.status}` }, requestStatus(r.status)),
              h('span', { class: 'muted' }, r.workspaceId ?? ''),
              timeEl(r.createdAt),
            ),
          ),
        ),
      );
    } catch (err) {
      showError(queueError, err);
    }
  }
  filter.addEventListener('change', loadQueue);

  async function loadDetail() {
    const request = await api('GET', `/v1/support/number-requests/${encodeURIComponent(selectedId)}`);
    const pending = request.status === 'pending_approval';
    replace(
      detail,
      h('h2', { id: 'detail-title' }, t('support.detailTitle', { country: request.country, type: typeLabel(request.type), workspace: request.workspaceId ?? t('support.aWorkspace') })),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, t('support.status')),
        h('dd', {}, h('span', { class: `badge request-${request.status}`, id: 'detail-status' }, requestStatus(request.status))),
        request.areaCode ? [h('dt', {}, t('support.areaCode')), h('dd', {}, request.areaCode)] : null,
        request.region ? [h('dt', {}, t('support.region')), h('dd', {}, request.region)] : null,
        request.note ? [h('dt', {}, t('support.note')), h('dd', {}, request.note)] : null,
        request.number ? [h('dt', {}, t('support.number')), h('dd', { id: 'detail-number' }, request.number.e164)] : null,
        request.reason ? [h('dt', {}, t('support.reason')), h('dd', {}, request.reason)] : null,
      ),
      pending ? decisionForms(request) : null,
      h('h3', { id: 'detail-timeline' }, t('support.timeline')),
      timelineList(request, 'detail-timeline'),
    );
  }

  async function loadCandidates(requestId, form, slot) {
    try {
      const { data } = await api('GET', `/v1/support/number-requests/${encodeURIComponent(requestId)}/candidates`);
      const options = [
        { value: '', label: t('support.anyNumber') },
        ...data.map((c) => ({ value: c.phoneNumber, label: [c.phoneNumber, c.locality, c.region].filter(Boolean).join(' · ') })),
      ];
      replace(
        form.querySelector('fieldset'),
        h('legend', {}, t('support.numberToBuy')),
        options.map((o, i) =>
          h('div', { class: 'radio' }, h('input', { type: 'radio', name: 'phoneNumber', id: `cand-${i}`, value: o.value, checked: i === (data.length ? 1 : 0) }), h('label', { for: `cand-${i}` }, o.label)),
        ),
      );
    } catch (err) {
      showError(slot, err);
    }
  }

  function decisionForms(request) {
    const approveError = errorSlot('approve-error');
    const approve = h('button', { type: 'submit', class: 'primary', id: 'approve' }, t('support.approve'));
    const approveForm = h(
      'form',
      { class: 'decision', novalidate: true },
      h('fieldset', {}, h('legend', {}, t('support.numberToBuy')), h('p', { class: 'muted' }, t('support.loadingCandidates'))),
      approveError,
      approve,
    );
    // The provider's search can take a moment: the request shows at once, the candidates when they come.
    loadCandidates(request.id, approveForm, approveError);
    approveForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      const choice = approveForm.elements.namedItem('phoneNumber');
      const phoneNumber = choice && 'value' in choice ? choice.value : '';
      showFormError(approveForm, approveError, null);
      try {
        await busy(approve, () => api('POST', `/v1/support/number-requests/${encodeURIComponent(request.id)}/approve`, phoneNumber ? { phoneNumber } : {}));
        await Promise.all([loadDetail(), loadQueue()]);
      } catch (err) {
        showFormError(approveForm, approveError, err);
      }
    });

    const rejectError = errorSlot('reject-error');
    const reason = h('textarea', { id: 'reject-reason', name: 'reason', rows: 2, required: true });
    const reject = h('button', { type: 'submit', class: 'danger', id: 'reject' }, t('support.reject'));
    const rejectForm = h('form', { class: 'decision', novalidate: true }, h('label', { for: 'reject-reason' }, t('support.rejectReason')), reason, rejectError, reject);
    rejectForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      showFormError(rejectForm, rejectError, null);
      try {
        await busy(reject, () => api('POST', `/v1/support/number-requests/${encodeURIComponent(request.id)}/reject`, { reason: reason.value.trim() }));
        await Promise.all([loadDetail(), loadQueue()]);
      } catch (err) {
        showFormError(rejectForm, rejectError, err);
      }
    });
    return h('div', { class: 'decisions' }, approveForm, rejectForm);
  }

  await loadQueue();
  if (selectedId) {
    try {
      await loadDetail();
    } catch (err) {
      replace(detail, h('p', { class: 'error', role: 'alert' }, err.message));
    }
  } else {
    replace(detail, h('p', { class: 'muted' }, t('support.choose')));
  }
}
