// Social settings for administrators: linked accounts, the operations
// matrix per account and profile (S-1.5), and the profiles' social
// permissions (S-8.2, S-8.3).

import { h, field, formError } from './dom.js';
import { get, put, patch, post as apiPost, getAll } from './api.js';
import { announce, openDialog } from './dialog.js';
import { tabs } from './tabs.js';
import { app, isAdmin } from './state.js';
import { networkIcon } from './icons.js';
import { OPERATIONS, OPERATION_LABELS, accountLabel, networkName } from './networks.js';
import { accountsTab, pickPage } from './accounts_admin.js';
import { actorsTab } from './actors_admin.js';

/** {profile_id: [ops]} from whichever shape the server answers. */
function matrixOf(data) {
  if (!data) return {};
  if (Array.isArray(data.items)) {
    const m = {};
    for (const it of data.items) m[String(it.profile_id)] = it.operations || [];
    return m;
  }
  const m = data.operations || data.matrix || data;
  const out = {};
  for (const [k, v] of Object.entries(m)) if (Array.isArray(v)) out[String(k)] = v;
  return out;
}

function operationsTab(state) {
  const select = h('select', { id: 'ops-account' });
  const table = h('div', { class: 'table-wrap' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save operations');
  const form = h('form', { class: 'stack', dataset: { form: 'operations' } },
    field('Account', select), table, error, h('div', { class: 'actions-row' }, save));
  let profiles = [];

  function fillAccounts() {
    select.replaceChildren(...app.accounts.map((a) => h('option', { value: String(a.id), selected: String(a.id) === String(state.account) }, accountLabel(a))));
  }

  async function load() {
    formError(error, '');
    const id = select.value;
    if (!id) { table.replaceChildren(h('p', { class: 'empty' }, 'No account is linked.')); save.disabled = true; return; }
    state.account = id;
    try {
      const [ps, ops] = await Promise.all([profiles.length ? profiles : getAll('/profiles'), get(`/social/accounts/${encodeURIComponent(id)}/operations`)]);
      profiles = ps;
      const m = matrixOf(ops);
      const account = app.accounts.find((a) => String(a.id) === id);
      table.replaceChildren(h('table', { class: 'table matrix' },
        h('caption', {}, networkIcon(account.network, networkName(account.network)), ` What each profile may do on ${accountLabel(account)}`),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Profile'), OPERATIONS.map((o) => h('th', { scope: 'col' }, OPERATION_LABELS[o])))),
        h('tbody', {}, profiles.map((p) => {
          const have = m[String(p.id)] || [];
          const full = p.admin;
          return h('tr', { dataset: { profileId: String(p.id) } }, h('th', { scope: 'row' }, p.name),
            OPERATIONS.map((o) => h('td', {}, h('input', {
              type: 'checkbox', dataset: { op: o }, checked: full || have.includes(o), disabled: full,
              'aria-label': `${OPERATION_LABELS[o]} for ${p.name}`,
              title: full ? 'Profiles with the administrative privilege may do everything' : '',
            }))));
        }))));
      save.disabled = false;
    } catch (e) {
      formError(error, e.message);
    }
  }

  select.addEventListener('change', load);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = {};
    for (const row of table.querySelectorAll('tbody tr')) {
      const boxes = [...row.querySelectorAll('input[type=checkbox]')];
      if (boxes.some((b) => b.disabled)) continue;
      body[row.dataset.profileId] = boxes.filter((b) => b.checked).map((b) => b.dataset.op);
    }
    save.disabled = true;
    try {
      await put(`/social/accounts/${encodeURIComponent(select.value)}/operations`, body);
      announce('Operations saved');
    } catch (err) {
      formError(error, err.message);
    } finally {
      save.disabled = false;
    }
  });
  fillAccounts();
  load();
  return form;
}

const PERMS = [
  ['social_tab', 'Social tab', 'May open the social tab'],
  ['social_profile_link', 'Social profile link', 'May associate social profiles with leads and contacts'],
  ['social_admin', 'Social administrator', 'May link and unlink accounts and set social access'],
];

function profilesTab() {
  const box = h('div', { class: 'stack' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  async function load() {
    let profiles;
    try { profiles = await getAll('/profiles'); } catch (e) { formError(error, e.message); return; }
    const admin = isAdmin();
    box.replaceChildren(h('table', { class: 'table' },
      h('caption', {}, 'Social permissions of each profile'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Profile'), PERMS.map(([, label, hint]) => h('th', { scope: 'col', title: hint }, label)), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')))),
      h('tbody', {}, profiles.map((p) => h('tr', { dataset: { profileId: String(p.id) } },
        h('th', { scope: 'row' }, p.name, p.builtin ? h('span', { class: 'badge' }, 'default') : null),
        PERMS.map(([key, label]) => {
          let why = '';
          if (key === 'social_admin' && p.builtin) why = 'The default profiles keep their social administrator setting; clone one to change it';
          else if (key === 'social_admin' && !admin) why = 'Only an administrator may grant or remove social administrator';
          const box2 = h('input', { type: 'checkbox', checked: !!p[key], disabled: !!why, title: why, 'aria-label': `${label} for ${p.name}`, dataset: { perm: key } });
          box2.addEventListener('change', async () => {
            try {
              await patch(`/profiles/${encodeURIComponent(p.id)}`, { [key]: box2.checked });
              announce(`${label} ${box2.checked ? 'granted to' : 'removed from'} ${p.name}`);
            } catch (e) {
              box2.checked = !box2.checked;
              formError(error, e.message);
            }
          });
          return h('td', {}, box2);
        }),
        h('td', {}, h('button', { type: 'button', class: 'secondary', onClick: () => cloneProfile(p, load) }, 'Clone')))))), error);
  }
  load();
  return box;
}

function cloneProfile(p, reload) {
  const name = h('input', { required: true, value: `${p.name} (copy)` });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const form = h('form', { class: 'stack' }, field('Name of the new profile', name), error,
    h('div', { class: 'actions-row' }, h('button', { type: 'submit', class: 'primary' }, 'Clone profile')));
  const { close } = openDialog(`Clone ${p.name}`, form);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await apiPost(`/profiles/${encodeURIComponent(p.id)}/clone`, { name: name.value.trim() });
      close();
      announce('Profile cloned');
      reload();
    } catch (err) {
      formError(error, err.message);
    }
  });
}

/** The settings page; `section` is accounts, operations, profiles or actors. */
export function renderSettings(section, params) {
  const state = { account: params.get('account') || (app.accounts[0] && app.accounts[0].id) };
  const notice = h('div', { role: 'status' });
  if (params.get('error')) notice.append(h('p', { class: 'form-error' }, `Linking did not finish: ${params.get('error_description') || params.get('error')}`));
  let t;
  const showOps = (id) => { state.account = id; t.rerender('operations'); t.select('operations'); };
  t = tabs('Social settings', [
    { id: 'accounts', label: 'Accounts', render: () => accountsTab(showOps) },
    { id: 'operations', label: 'Operations', render: () => operationsTab(state) },
    { id: 'profiles', label: 'Profiles', render: () => profilesTab() },
    { id: 'actors', label: 'Actors', render: () => actorsTab() },
  ], { selected: section, onSelect: (id) => { if (location.hash.split('?')[0] !== `#/settings/${id}`) history.replaceState(null, '', `#/settings/${id}`); } });
  // Back from the network's OAuth pages: a Facebook/Google+ account waits
  // for its page.
  const linked = params.get('linked');
  const pending = app.accounts.find((a) => String(a.id) === String(linked) && a.status === 'pending_page');
  if (pending) setTimeout(() => pickPage(pending), 0);
  else if (linked) notice.append(h('p', { class: 'ok' }, `Linked ${accountLabel(app.accounts.find((a) => String(a.id) === String(linked)))}.`));
  return h('section', { class: 'page', 'aria-labelledby': 'settings-title' },
    h('h1', { id: 'settings-title' }, 'Social settings'), notice, t);
}
