import { h, timeEl } from './dom.js';

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
        h('strong', {}, s.step),
        s.actor ? h('span', { class: 'muted' }, ` by ${s.actor}`) : null,
        s.detail ? h('div', { class: 'detail' }, s.detail) : null,
      ),
    ),
  );
}
