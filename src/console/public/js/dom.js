// Tiny DOM helpers. Text always goes in as textContent, never as HTML: nothing a customer texts
// can become markup.
import { t, has, formatTime } from './i18n.js';

/** h('button', { class: 'primary', onclick: fn }, 'Save') */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name === 'value' || name === 'checked' || name === 'selected') el[name] = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A page in the main area: its title as the one h1, then its content. */
export const showPage = (main, title, ...content) => replace(main, h('h1', {}, title), ...content);

/** A labelled input; `help` ({ id, text }), when given, stands under it and is named by its aria-describedby. */
export const field = (label, attrs, help) => [
  h('label', { for: attrs.id }, label),
  h('input', help ? { ...attrs, 'aria-describedby': help.id } : attrs),
  help ? h('p', { class: 'help', id: help.id }, help.text) : null,
];

let counter = 0;
/** A unique id for label/aria wiring. */
export const uid = (prefix) => `${prefix}-${++counter}`;

/** An error slot: announced to screen readers, empty until an error is shown in it. */
export const errorSlot = (id) => h('p', { class: 'error', id, role: 'alert', hidden: true });

export function showError(slot, error) {
  slot.textContent = error ? error.message : '';
  slot.hidden = !error;
}

/**
 * Shows an API error next to what caused it: the field named in a validation error's details when
 * the form has one, else the form's own error slot. The field's complaint is the console's own
 * words for that field (the API's are English).
 */
export function showFormError(form, slot, error) {
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const el of form.querySelectorAll('.field-error')) el.remove();
  if (!error) return showError(slot, null);
  const issues = (error.details && error.details.body) || [];
  let placed = false;
  for (const issue of issues) {
    const field = issue.path && form.elements.namedItem(issue.path);
    if (!(field instanceof HTMLElement)) continue;
    const id = uid('field-error');
    field.setAttribute('aria-invalid', 'true');
    field.setAttribute('aria-describedby', id);
    const words = has(`field.${issue.path}`) ? t(`field.${issue.path}`) : t('field.other');
    field.insertAdjacentElement('afterend', h('p', { class: 'error field-error', id, role: 'alert' }, words));
    placed = true;
  }
  showError(slot, error);
  if (placed) slot.textContent = t('error.fixFields');
}

export const timeEl = (iso) => h('time', { datetime: iso }, formatTime(iso));

/** Disables a button while its action runs, so a double click never sends twice. */
export async function busy(button, action) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await action();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

/** A modal <dialog>: Escape closes it and focus returns to what opened it. */
export function openDialog(dialog, opener) {
  document.body.append(dialog);
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (opener && opener.isConnected) opener.focus();
  });
  dialog.showModal();
  const first = dialog.querySelector('[autofocus], select, input, textarea, button');
  if (first) first.focus();
}
