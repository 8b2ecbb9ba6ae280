// The social side of a record page: the person's social profiles (SPEC
// S-2.2: X, Facebook, Mastodon and Bluesky shown; Google+ associations
// work but are not shown), associating one by handle through the network's
// own user lookup (S-2.3, only with the social profile link permission),
// and the Social interactions related list (S-6.4): every post of the
// person on every network, newest first, kept live; unavailable while no
// account is linked (S-1.7).

import { h, field, formError } from './dom.js';
import { get, post as apiPost, qs } from './api.js';
import { announce } from './dialog.js';
import { networkIcon } from './icons.js';
import { networkName } from './networks.js';
import { samePerson } from './state.js';
import { FeedColumn } from './column.js';
import { mayLinkProfiles } from './crm_common.js';

/** Networks whose associations the record page shows (S-2.2). */
export const SHOWN_NETWORKS = ['x', 'facebook', 'mastodon', 'bluesky'];

/** Every CRM column's two sub-views: a known person's posts are in one. */
const PERSON_VIEWS = ['customers', 'negotiation', 'leads'].flatMap((column) =>
  ['conversations', 'stream'].map((view) => ({ column, view })));

function handleText(p) {
  return p.handle ? `@${String(p.handle).replace(/^@/, '')}` : p.user_id;
}

/**
 * The profiles box. `ref` {record_type, record_id}; `kind` from
 * crm_common; `onLinked()` after an association (the lists reload).
 */
export function profilesSection(ref, kind, onLinked) {
  const list = h('ul', { class: 'plain-list profiles', dataset: { list: 'profiles' } });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const box = h('section', { class: 'card', 'aria-labelledby': 'profiles-title' },
    h('h2', { id: 'profiles-title' }, 'Social profiles'), list, error);
  const base = `${kind.path}/${encodeURIComponent(ref.record_id)}`;
  let profiles = [];

  async function load() {
    try {
      const page = await get(`${base}/social-profiles`);
      profiles = page.items || [];
      const shown = profiles.filter((p) => SHOWN_NETWORKS.includes(p.network));
      list.replaceChildren(...(shown.length ? shown.map((p) => h('li', { dataset: { network: p.network } },
        networkIcon(p.network, networkName(p.network)), ' ', h('span', {}, handleText(p)),
        h('span', { class: 'muted' }, ` · ${networkName(p.network)}`)))
        : [h('li', { class: 'empty' }, 'No social profile associated.')]));
      formError(error, '');
    } catch (e) {
      // Without the social tab (or on an edition without it) there is
      // nothing to show; say why rather than failing.
      list.replaceChildren(h('li', { class: 'empty' }, e.status === 403 ? e.message : 'The social profiles could not be loaded.'));
      if (e.status !== 403) formError(error, e.message);
    }
  }

  if (mayLinkProfiles()) box.append(associateForm(base, () => { load(); onLinked(); }));
  load();
  box.reload = load;
  box.profiles = () => profiles;
  return box;
}

/**
 * Type a handle, the server asks the network who it is, the match is
 * shown, then saved. A profile owned by someone else can be moved here.
 */
function associateForm(base, done) {
  const network = h('select', { name: 'network' },
    SHOWN_NETWORKS.map((n) => h('option', { value: n }, networkName(n))));
  const handle = h('input', { name: 'handle', autocomplete: 'off', placeholder: 'handle', spellcheck: 'false' });
  const networkField = field('Network', network);
  const handleField = field('Handle', handle, 'The network is asked who this is before anything is saved.');
  const lookBtn = h('button', { type: 'submit', class: 'secondary' }, 'Look up');
  const match = h('div', { class: 'lookup-match', role: 'status' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const form = h('form', { class: 'stack', novalidate: true, dataset: { form: 'associate' } },
    h('div', { class: 'grid-2' }, networkField, handleField), h('div', { class: 'actions-row' }, lookBtn), match, error);
  const details = h('details', { class: 'add-box associate' }, h('summary', {}, 'Associate a profile'), form);

  function reset() {
    match.replaceChildren();
    networkField.showError('');
    handleField.showError('');
    formError(error, '');
  }
  network.addEventListener('change', reset);
  handle.addEventListener('input', () => { if (match.childNodes.length) reset(); });

  async function save(found, move) {
    formError(error, '');
    try {
      await apiPost(`${base}/social-profiles`, { network: found.network, user_id: String(found.user_id), handle: found.handle, ...(move ? { move: true } : {}) });
      announce(`${networkName(found.network)} profile @${found.handle} associated`);
      reset();
      handle.value = '';
      details.open = false;
      done();
    } catch (e) {
      if (e.code === 'profile_owned_by_other' && !move) {
        match.append(h('p', { class: 'form-error' }, e.message),
          h('button', { type: 'button', class: 'danger', onClick: () => save(found, true) }, 'Move it to this person'));
      } else formError(error, e.message);
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    reset();
    const text = handle.value.trim().replace(/^@/, '');
    if (!text) { handleField.showError('Type the handle to look up.'); handle.focus(); return; }
    lookBtn.disabled = true;
    try {
      const found = await get(`/social/lookup${qs({ network: network.value, handle: text })}`);
      match.replaceChildren(h('div', { class: 'match-card', dataset: { network: found.network, userId: String(found.user_id) } },
        networkIcon(found.network, networkName(found.network), 20),
        h('span', {}, h('strong', {}, found.name || found.handle), ` @${found.handle}`,
          h('span', { class: 'muted' }, ` · ${networkName(found.network)} user ${found.user_id}`)),
        h('button', { type: 'button', class: 'primary', onClick: () => save(found, false) }, 'Associate')));
    } catch (err) {
      // Not found is about the handle; not linked is about the network.
      if (err.code === 'handle_not_found') { handleField.showError(err.message); handle.focus(); }
      else if (err.code === 'network_not_linked' || err.code === 'reauth_required') networkField.showError(err.message);
      else formError(error, err.message);
    } finally {
      lookBtn.disabled = false;
    }
  });
  return details;
}

/**
 * The Social interactions related list. `status` is GET /social/status
 * (null when the user may not see social data: `reason` says why).
 * Returns {el, dispose}.
 */
export function interactionsSection(ref, kind, { live, handlers, linkedAccounts, reason, profiles }) {
  const box = h('section', { class: 'card related-social', 'aria-labelledby': 'interactions-title', dataset: { related: 'social-interactions' } });
  const title = h('h2', { id: 'interactions-title' }, 'Social interactions');
  if (reason || !linkedAccounts) {
    // S-1.7: with no linked account the list is unavailable.
    box.append(title, h('p', { class: 'empty no-data', dataset: { state: 'no-data' } },
      reason || 'No social account is linked, so social interactions are unavailable. They come back as soon as an account is linked again.'));
    return { el: box, dispose() {} };
  }
  const base = `${kind.path}/${encodeURIComponent(ref.record_id)}`;
  const col = new FeedColumn({ kind: 'person', type: 'interactions', id: 'interactions', title: 'Social interactions' }, {
    handlers,
    columnKind: 'record',
    emptyText: 'No interactions yet: posts of this person’s social profiles appear here as they arrive.',
    path: (before, limit) => `${base}/social-interactions${qs({ before, limit })}`,
  });
  box.classList.add('feed-card');
  box.append(col.el);
  const key = `record:${ref.record_type}:${ref.record_id}`;
  const authorOf = (a) => profiles().some((p) => p.network === a.network && String(p.user_id) === String(a.network_user_id ?? a.user_id));
  const listeners = {
    post: (e) => {
      const p = e.detail.post;
      if (p && samePerson(p.person, ref)) col.receive(p);
    },
    // The person's standing moved, or a profile came or went: the server's
    // page is the truth about which posts are theirs now.
    standing_changed: (e) => {
      const m = e.detail;
      if (samePerson(m.person, ref) || (Array.isArray(m.authors) && m.authors.some((a) => typeof a === 'object' && authorOf(a)))) col.merge();
    },
    // A fresh subscribe (the socket opened after the load, or a resync)
    // starts at the server's newest event: load what came before it.
    subscribed: (e) => { if (e.detail.fresh) col.reload(); },
  };
  for (const [type, fn] of Object.entries(listeners)) live.addEventListener(type, fn);
  live.setExtraViews(key, PERSON_VIEWS);
  live.start();
  col.reload();
  return {
    el: box,
    reload: () => col.reload(),
    dispose() {
      for (const [type, fn] of Object.entries(listeners)) live.removeEventListener(type, fn);
      live.setExtraViews(key, []);
    },
  };
}
