// Linked accounts for social administrators (SPEC S-1.2 to S-1.4, S-1.7):
// link through the network's own OAuth pages, pick the Facebook/Google+
// page, unlink with confirmation.

import { h, field, formError } from './dom.js';
import { get, post as apiPost, del } from './api.js';
import { openDialog, confirmDialog, announce } from './dialog.js';
import { networkIcon } from './icons.js';
import { app, loadAccounts, on } from './state.js';
import { NETWORK_IDS, accountLabel, networkName } from './networks.js';

const STATUS_TEXT = {
  active: 'Active', linked: 'Active', pending_page: 'Choose a page', reauth_required: 'Needs linking again',
  paused: 'Paused', error: 'Error',
};

/** Starts the OAuth dance: the browser leaves for the network's page. */
export async function startLink(network, onError) {
  if (network === 'bluesky') return blueskyForm();
  try {
    const out = await apiPost('/social/accounts/authorize', { network, return_to: '/#/settings/accounts' });
    window.location.assign(out.authorize_url);
  } catch (e) {
    onError(e.message);
  }
}

/** Bluesky links with a handle and an app password, not OAuth. */
function blueskyForm() {
  const identifier = h('input', { autocomplete: 'off', required: true, placeholder: 'acme.bsky.social' });
  const password = h('input', { type: 'password', autocomplete: 'off', required: true });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Link Bluesky account');
  const form = h('form', { class: 'stack', dataset: { form: 'bluesky' } }, field('Handle', identifier),
    field('App password', password, 'Create one in Bluesky’s settings under App passwords.'), error,
    h('div', { class: 'actions-row' }, save));
  const { close } = openDialog('Link a Bluesky account', form);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    save.disabled = true;
    try {
      await apiPost('/social/accounts', { network: 'bluesky', identifier: identifier.value.trim(), app_password: password.value });
      close();
      await loadAccounts();
      announce('Bluesky account linked');
    } catch (err) {
      formError(error, err.message);
      save.disabled = false;
    }
  });
}

/** The buttons that link a new account, one per network. */
export function linkButtons(onError) {
  return h('div', { class: 'link-buttons', role: 'group', 'aria-label': 'Link an account' },
    NETWORK_IDS.map((n) => h('button', {
      type: 'button', class: 'secondary link-network', dataset: { network: n },
      onClick: () => startLink(n, onError),
    }, networkIcon(n, ''), ` ${networkName(n)}`)));
}

/**
 * The page picker of a Facebook/Google+ account waiting for its page
 * (S-1.4). Closing it without a choice removes the account.
 */
export async function pickPage(account) {
  let pages = [];
  try {
    const out = await get(`/social/accounts/${encodeURIComponent(account.id)}/pages`);
    pages = (out && out.pages) || [];
  } catch (e) {
    announce(`The pages could not be listed: ${e.message}`, 'error');
    return;
  }
  let chose = false;
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Use this page');
  const options = pages.map((p, i) => h('label', { class: 'check-row' },
    h('input', { type: 'radio', name: 'page', value: String(p.id), checked: i === 0 }), ` ${p.name || p.id}`));
  const form = h('form', { class: 'stack', dataset: { form: 'page' } },
    h('fieldset', {}, h('legend', {}, `Pages of ${accountLabel(account)}`), options.length ? options : h('p', { class: 'empty' }, 'This account has no page.')),
    h('p', { class: 'hint' }, 'Closing this without choosing removes the account again.'),
    error, h('div', { class: 'actions-row' }, save));
  save.disabled = !pages.length;
  const { close } = openDialog(`Choose the ${networkName(account.network)} page`, form, {
    label: 'page-picker',
    onClose: async () => {
      if (chose) return;
      try { await del(`/social/accounts/${encodeURIComponent(account.id)}/page-choice`); } catch { /* already gone */ }
      announce(`${networkName(account.network)} account removed: no page was chosen`);
      loadAccounts();
    },
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const pageId = form.querySelector('input[name=page]:checked');
    if (!pageId) return;
    save.disabled = true;
    try {
      await apiPost(`/social/accounts/${encodeURIComponent(account.id)}/page`, { page_id: pageId.value });
      chose = true;
      close();
      await loadAccounts();
      announce(`${networkName(account.network)} page linked`);
    } catch (err) {
      formError(error, err.message);
      save.disabled = false;
    }
  });
}

async function unlink(account) {
  const ok = await confirmDialog('Unlink account',
    `Unlink ${accountLabel(account)}? Its posts leave the social tab; leads and contacts created from it stay in the CRM.`, 'Unlink');
  if (!ok) return;
  try {
    await del(`/social/accounts/${encodeURIComponent(account.id)}?confirm=true`);
    announce(`${accountLabel(account)} unlinked`);
  } catch (e) {
    announce(e.message, 'error');
  }
  await loadAccounts();
}

/** The accounts tab of social settings. */
export function accountsTab(showOperations) {
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const rows = h('ul', { class: 'account-list' });
  function render() {
    rows.replaceChildren(...app.accounts.map((a) => h('li', { class: 'account-row', dataset: { accountId: String(a.id), network: a.network, status: a.status || '' } },
      networkIcon(a.network, networkName(a.network), 20),
      h('span', { class: 'account-name' }, accountLabel(a)),
      h('span', { class: `badge status-${a.status}` }, STATUS_TEXT[a.status] || a.status || ''),
      h('span', { class: 'row-actions' },
        a.status === 'pending_page' ? h('button', { type: 'button', class: 'primary', onClick: () => pickPage(a) }, 'Choose page') : null,
        h('button', { type: 'button', class: 'secondary', onClick: () => showOperations(a.id) }, 'Operations'),
        h('button', { type: 'button', class: 'danger', 'aria-label': `Unlink ${accountLabel(a)}`, onClick: () => unlink(a) }, 'Unlink')))));
    if (!app.accounts.length) rows.append(h('li', { class: 'empty' }, 'No account is linked yet.'));
  }
  render();
  const off = on('accounts', () => { if (rows.isConnected) render(); else off(); });
  return h('div', { class: 'stack' }, rows, h('h3', {}, 'Link an account'),
    h('p', { class: 'hint' }, 'You sign in on the network’s own page and come back here.'),
    linkButtons((m) => formError(error, m)), error);
}
