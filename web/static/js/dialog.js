// Modal dialogs on the native <dialog> element (focus kept inside, Escape
// closes, the page behind is inert), a confirmation dialog, and the
// polite announcements screen readers hear after an action.

import { h, nextId } from './dom.js';
import { icon } from './icons.js';

/**
 * Opens a modal titled `title` with `body` (a node). Returns {dialog, close}.
 * Focus goes to the first field (or the dialog) and back to where it was.
 */
export function openDialog(title, body, { wide = false, onClose, label } = {}) {
  const previous = document.activeElement;
  const titleId = nextId('dlg');
  const closeBtn = h('button', { type: 'button', class: 'icon-button dialog-close', 'aria-label': 'Close' }, icon('close'));
  const dialog = h('dialog', { class: `dialog${wide ? ' dialog-wide' : ''}`, 'aria-labelledby': titleId },
    h('header', { class: 'dialog-head' }, h('h2', { id: titleId }, title), closeBtn),
    h('div', { class: 'dialog-body' }, body));
  if (label) dialog.dataset.dialog = label;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    if (dialog.open) dialog.close();
    dialog.remove();
    if (onClose) onClose();
    if (previous && previous.isConnected && typeof previous.focus === 'function') previous.focus();
  };
  closeBtn.addEventListener('click', close);
  dialog.addEventListener('close', close);
  dialog.addEventListener('cancel', (e) => { e.preventDefault(); close(); });
  document.body.append(dialog);
  dialog.showModal();
  const first = dialog.querySelector('[autofocus], .dialog-body input:not([type=hidden]):not([disabled]), .dialog-body textarea, .dialog-body select, .dialog-body button:not([disabled])');
  if (first) first.focus();
  return { dialog, close };
}

/** Resolves true when the user confirms, false otherwise. */
export function confirmDialog(title, message, confirmLabel = 'Confirm', danger = true) {
  return new Promise((resolve) => {
    let answered = false;
    const yes = h('button', { type: 'button', class: danger ? 'danger' : 'primary' }, confirmLabel);
    const no = h('button', { type: 'button', class: 'secondary', autofocus: true }, 'Cancel');
    const { close } = openDialog(title, h('div', {},
      h('p', {}, message), h('div', { class: 'actions-row' }, no, yes)), {
      onClose: () => { if (!answered) resolve(false); },
    });
    yes.addEventListener('click', () => { answered = true; resolve(true); close(); });
    no.addEventListener('click', () => { answered = true; resolve(false); close(); });
  });
}

let live = null;
let toastBox = null;

/** Says `text` to screen readers and shows it briefly at the bottom. */
export function announce(text, kind = 'info') {
  if (!live) {
    live = h('div', { class: 'sr-only', 'aria-live': 'polite', role: 'status' });
    toastBox = h('div', { class: 'toasts' });
    document.body.append(live, toastBox);
  }
  live.textContent = '';
  // A new text node after a tick so the same message is read again.
  setTimeout(() => { live.textContent = text; }, 30);
  const toast = h('div', { class: `toast toast-${kind}` }, text);
  toastBox.append(toast);
  setTimeout(() => toast.remove(), kind === 'error' ? 8000 : 4000);
}
