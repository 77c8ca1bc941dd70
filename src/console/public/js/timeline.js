import { h, timeEl } from './dom.js';
import { t } from './i18n.js';

/** A custom-number request's timeline: each step with its time, who acted and the detail. */
export function timelineList(request, labelledBy) {
  const steps = request.timeline ?? [];
  return h(
    'ol',
    { class: 'timeline', 'aria-labelledby': labelledBy },
    steps.map((s) =>
      h(
        'li',
        {},
        timeEl(s.at),
        ' ',
        h('strong', {}, t(`step.${s.step}`)),
        s.actor ? h('span', { class: 'muted' }, t('step.by', { actor: s.actor })) : null,
        // the detail is the record as written (by the workflow, or support's own words)
        s.detail ? h('div', { class: 'detail' }, s.detail) : null,
      ),
    ),
  );
}
