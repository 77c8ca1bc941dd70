// A confirmation before something that is not easily undone (Disconnect, Remove account).
import { h, errorSlot, showError, busy, openDialog } from './dom.js';

/**
 * A modal that asks before `action` runs. The safe choice (`keep`) has focus, so Enter does not
 * act by accident. Its parts' ids start with `name` (`name-dialog`, `-title`, `-desc`, `-confirm`,
 * `-error`). A failure shows in the dialog, which stays open; `then` runs once it has closed.
 */
export function confirmDialog(opener, { name, title, description, confirm, keep, action, then }) {
  const slot = errorSlot(`${name}-error`);
  const yes = h('button', { type: 'submit', class: 'danger', id: `${name}-confirm` }, confirm);
  const no = h('button', { type: 'button', autofocus: true }, keep);
  const form = h(
    'form',
    { method: 'dialog' },
    h('h2', { id: `${name}-title` }, title),
    h('p', { id: `${name}-desc` }, description),
    slot,
    h('div', { class: 'actions' }, yes, no),
  );
  const dialog = h('dialog', { 'aria-labelledby': `${name}-title`, 'aria-describedby': `${name}-desc`, id: `${name}-dialog` }, form);
  no.addEventListener('click', () => dialog.close());
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await busy(yes, action);
      dialog.close();
      await then();
    } catch (err) {
      showError(slot, err);
    }
  });
  openDialog(dialog, opener);
}
