// The network/account filter (SPEC S-4.5): which linked accounts the CRM
// view and My posts show. Nothing ticked means every account.

import { h, formError } from './dom.js';
import { get, put } from './api.js';
import { openDialog, announce } from './dialog.js';
import { networkIcon } from './icons.js';
import { linkedAccounts } from './state.js';
import { accountLabel, networkName } from './networks.js';

let current = []; // account ids; empty = all
let offered = null; // ids the profile may view (the server's list)

export async function loadFilter() {
  try {
    const f = await get('/social/filter');
    current = ((f && f.accounts) || []).map(String);
    offered = Array.isArray(f && f.viewable) ? f.viewable.map(String) : null;
  } catch {
    current = [];
  }
  return current;
}

function viewable() {
  return linkedAccounts().filter((a) => (offered ? offered.includes(String(a.id))
    : !Array.isArray(a.operations) || a.operations.includes('view')));
}

/** Whether the filter lets posts of `accountId` through (S-4.5). */
export function accountShown(accountId) {
  return current.length === 0 || current.includes(String(accountId));
}

/** "All accounts" or "2 of 5 accounts", for the toolbar button. */
export function filterSummary() {
  const all = viewable();
  const n = current.filter((id) => all.some((a) => String(a.id) === id)).length;
  return n === 0 || n === all.length ? 'All accounts' : `${n} of ${all.length} accounts`;
}

export function openFilter(onChanged) {
  const accounts = viewable();
  const boxes = accounts.map((a) => h('label', { class: 'check-row' },
    h('input', { type: 'checkbox', value: String(a.id), checked: current.length === 0 || current.includes(String(a.id)) }),
    networkIcon(a.network, networkName(a.network)), ` ${accountLabel(a)}`));
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Apply');
  const all = h('button', { type: 'button', class: 'secondary' }, 'All accounts');
  const form = h('form', { class: 'stack', dataset: { form: 'filter' } },
    h('fieldset', {}, h('legend', {}, 'Show posts of'), accounts.length ? boxes : h('p', { class: 'empty' }, 'No account is linked.')),
    error, h('div', { class: 'actions-row' }, all, save));
  all.addEventListener('click', () => { for (const b of form.querySelectorAll('input[type=checkbox]')) b.checked = true; });
  const { close } = openDialog('Account filter', form, { label: 'filter' });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const ticked = [...form.querySelectorAll('input[type=checkbox]:checked')].map((b) => b.value);
    if (!ticked.length) { formError(error, 'Choose at least one account, or All accounts.'); return; }
    const chosen = ticked.length === accounts.length ? [] : ticked;
    save.disabled = true;
    try {
      await put('/social/filter', { accounts: chosen });
      current = chosen;
      close();
      announce(`Showing ${filterSummary().toLowerCase()}`);
      onChanged();
    } catch (err) {
      formError(error, err.message);
      save.disabled = false;
    }
  });
}
