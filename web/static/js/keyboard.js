// Keyboard shortcuts: compose, column navigation, pages. None fires while
// the user types in a field or a dialog is open.

import { h } from './dom.js';
import { openDialog } from './dialog.js';

export const SHORTCUTS = [
  ['c', 'Compose a new post'],
  ['1 – 9', 'Go to column 1 to 9'],
  ['← / →', 'Previous / next column (from a post)'],
  ['j / k or ↓ / ↑', 'Next / previous post in a column'],
  ['Enter', 'Open the post’s person (or “Add” on Unknown)'],
  ['r', 'Reply, comment or answer the focused post'],
  ['f', 'Account filter'],
  ['+', 'Add a column'],
  ['g then h / l / c / d', 'Go to the social tab / leads / contacts / deals'],
  ['g then a / s', 'Go to activity / settings'],
  ['?', 'This list'],
];

function typing(target) {
  return !!target.closest('input, textarea, select, [contenteditable=""], [contenteditable=true]');
}

export function showShortcuts() {
  openDialog('Keyboard shortcuts', h('dl', { class: 'shortcuts' },
    SHORTCUTS.map(([k, what]) => h('div', { class: 'kv' }, h('dt', {}, h('kbd', {}, k)), h('dd', {}, what)))));
}

/**
 * commands: {compose, filter, addColumn, go(route), board() -> Board|null}
 */
export function installShortcuts(commands) {
  let pendingG = 0;
  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    if (document.querySelector('dialog[open]') || typing(e.target)) return;
    const board = commands.board();
    if (pendingG && Date.now() - pendingG < 1500) {
      pendingG = 0;
      const route = { h: '#/', l: '#/leads', c: '#/contacts', d: '#/deals', a: '#/activity', s: '#/settings/accounts' }[e.key];
      if (route) { e.preventDefault(); commands.go(route); }
      return;
    }
    pendingG = 0;
    switch (e.key) {
      case 'c': e.preventDefault(); commands.compose(); return;
      case 'f': e.preventDefault(); commands.filter(); return;
      case '+': e.preventDefault(); commands.addColumn(); return;
      case '?': e.preventDefault(); showShortcuts(); return;
      case 'g': pendingG = Date.now(); return;
      default: break;
    }
    if (!board || !board.el.isConnected || board.el.closest('[hidden]')) return;
    if (/^[1-9]$/.test(e.key)) {
      e.preventDefault();
      board.focusColumn(Number(e.key) - 1);
      return;
    }
    const i = board.focusedIndex();
    if (i < 0) return;
    const onPost = e.target.matches('article.post');
    if ((e.key === 'ArrowRight' || e.key === 'l') && onPost) { e.preventDefault(); board.focusColumn(Math.min(i + 1, board.columns.length - 1)); }
    else if ((e.key === 'ArrowLeft' || e.key === 'h') && onPost) { e.preventDefault(); board.focusColumn(Math.max(i - 1, 0)); }
    else if (e.key === 'r' && onPost) {
      const btn = e.target.querySelector('[data-action=reply], [data-action=comment], [data-action=message]');
      if (btn) { e.preventDefault(); btn.click(); }
    }
  });
}
