// Start-up and routing: sign-in, the shell (the navigation bar shared by
// every page, connection state), and the pages: the social tab (#/), the
// CRM's leads and contacts (#/leads, #/leads/ID, #/contacts...), deals
// (#/deals), activity (#/activity), social settings (#/settings/...). The
// board stays mounted while other pages show, so its columns keep updating
// and Back from a record page finds them as they were.

import { h } from './dom.js';
import { get, del, setCsrf, apiEvents } from './api.js';
import { icon } from './icons.js';
import { startClock } from './time.js';
import { app, loadAccounts, linkedAccounts, isSocialAdmin, on } from './state.js';
import { LiveFeed } from './live.js';
import { Board } from './board.js';
import { renderSignIn } from './signin.js';
import { openCompose } from './compose.js';
import { openFilter, loadFilter, filterSummary } from './filter.js';
import { openAddColumn } from './user_columns.js';
import { act, crmFromPost } from './actions.js';
import { addPerson } from './add_person.js';
import { openDetail } from './detail.js';
import { renderActivity } from './activity.js';
import { renderSettings } from './settings.js';
import { linkButtons } from './accounts_admin.js';
import { installShortcuts, showShortcuts } from './keyboard.js';
import { announce } from './dialog.js';
import { renderPeopleList } from './record_list.js';
import { renderRecordPage } from './record_page.js';
import { renderDeals } from './deals_page.js';

const root = document.getElementById('app');
const live = new LiveFeed();
let board = null;
let shell = null;
let page = { dispose() {} }; // the CRM page showing, stopped when left
let socialError = ''; // why the social tab cannot load (no permission...)
let lastPage = '';

const handlers = {
  act,
  add: addPerson,
  details: (post) => openDetail(post, handlers),
  crm: crmFromPost,
};

function connectionBadge() {
  const text = h('span', { class: 'conn-text' }, 'Connecting…');
  // Hidden until the live feed first starts (nothing to say on the welcome screen).
  const badge = h('span', { class: 'conn', role: 'status', hidden: true, dataset: { connection: 'connecting' } }, h('span', { class: 'dot', 'aria-hidden': 'true' }), text);
  const retry = h('button', { type: 'button', class: 'link', onClick: () => live.reconnectNow() }, 'Retry now');
  const banner = h('div', { class: 'banner banner-offline', hidden: true }, icon('offline'), ' ',
    h('span', {}, 'Offline: the live feed is reconnecting. Posts that arrive meanwhile will be shown when it is back. '), retry);
  let everOnline = false;
  live.addEventListener('status', (e) => {
    const s = e.detail.state;
    badge.hidden = false;
    badge.dataset.connection = s;
    text.textContent = s === 'online' ? 'Live' : s === 'connecting' ? 'Connecting…' : 'Offline';
    if (s === 'online') everOnline = true;
    banner.hidden = s === 'online' || (!everOnline && s === 'connecting');
    document.body.dataset.connection = s;
  });
  return { badge, banner };
}

function buildShell() {
  const { badge, banner } = connectionBadge();
  const filterBtn = h('button', { type: 'button', class: 'secondary', 'aria-keyshortcuts': 'f', title: 'Which accounts to show (f)' }, icon('filter'), ' ', h('span', { class: 'btn-label' }, 'All accounts'));
  const columnBtn = h('button', { type: 'button', class: 'secondary', 'aria-keyshortcuts': '+', title: 'Add a keyword, custom or My posts column (+)' }, icon('plus'), h('span', { class: 'btn-label' }, 'Column'));
  const composeBtn = h('button', { type: 'button', class: 'primary', 'aria-keyshortcuts': 'c', title: 'Compose a new post (c)' }, icon('compose'), ' Compose');
  const nav = h('nav', { class: 'main-nav', 'aria-label': 'Main' },
    h('a', { href: '#/', dataset: { route: 'social' } }, 'Social'),
    h('a', { href: '#/leads', dataset: { route: 'leads' } }, 'Leads'),
    h('a', { href: '#/contacts', dataset: { route: 'contacts' } }, 'Contacts'),
    h('a', { href: '#/deals', dataset: { route: 'deals' } }, 'Deals'),
    h('a', { href: '#/activity', dataset: { route: 'activity' } }, 'Activity'),
    isSocialAdmin() ? h('a', { href: '#/settings/accounts', dataset: { route: 'settings' } }, 'Settings') : null);
  const user = app.session.user || {};
  const header = h('header', { class: 'topbar' },
    h('a', { class: 'brand', href: '#/' }, 'socialcrm'), nav,
    h('div', { class: 'toolbar' }, badge, filterBtn, columnBtn, composeBtn,
      h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Keyboard shortcuts', title: 'Keyboard shortcuts (?)', onClick: showShortcuts }, '?'),
      h('span', { class: 'user-name', title: user.email || '' }, user.name || user.email || ''),
      h('button', { type: 'button', class: 'link', onClick: signOut }, 'Sign out')));
  const socialView = h('div', { class: 'view-social' });
  const pageView = h('div', { class: 'view-page', hidden: true });
  const main = h('main', { id: 'main', tabindex: '-1' }, socialView, pageView);
  root.replaceChildren(header, banner, main);
  filterBtn.addEventListener('click', () => openFilter(() => { updateFilterLabel(); if (board) board.rescope(); }));
  columnBtn.addEventListener('click', () => board && openAddColumn(board));
  composeBtn.addEventListener('click', openCompose);
  const updateFilterLabel = () => { filterBtn.lastChild.textContent = filterSummary(); };
  return { header, nav, socialView, pageView, filterBtn, columnBtn, composeBtn, updateFilterLabel };
}

/** Drops the board: no more live updates for it. */
function dropBoard() {
  live.stop();
  live.reset();
  if (board) board.dispose();
  board = null;
}

function noticeBox(title, text, extra) {
  return h('section', { class: 'notice', 'aria-labelledby': 'notice-title' }, h('h1', { id: 'notice-title' }, title), h('p', {}, text), extra);
}

/** Filter and columns act on the board; compose works from every page. */
function showToolbar(onSocial) {
  const usable = !socialError && linkedAccounts().length > 0 && app.session.profile.social_tab !== false;
  shell.filterBtn.hidden = !usable || !onSocial;
  shell.columnBtn.hidden = !usable || !onSocial;
  shell.composeBtn.hidden = !usable;
}

async function renderSocial() {
  const v = shell.socialView;
  const hasAccounts = linkedAccounts().length > 0;
  showToolbar(true);
  if (app.session.profile.social_tab === false) {
    v.replaceChildren(noticeBox('The social tab is off for your profile', 'Ask your administrator to switch it on for your profile.'));
    return;
  }
  if (socialError) {
    v.replaceChildren(noticeBox('The social tab is not available', socialError,
      h('p', {}, 'Leads, contacts and deals are in the navigation above.')));
    return;
  }
  if (!hasAccounts) {
    if (board) dropBoard();
    if (isSocialAdmin()) {
      const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
      v.replaceChildren(noticeBox('Welcome to the social tab',
        'Link the organisation’s accounts to see, live, what your leads, contacts and customers say about you. Add an account to start.',
        h('div', { class: 'stack welcome' }, h('h2', {}, 'Add account'), linkButtons((m) => { error.textContent = m; error.hidden = false; }), error)));
    } else {
      const empty = new Board({ live, handlers });
      v.replaceChildren(h('p', { class: 'banner banner-info', role: 'status' }, 'No social account is linked yet, so there is nothing to show. Please contact your administrator.'), empty.el);
      empty.startEmpty();
    }
    return;
  }
  if (board) return;
  board = new Board({ live, handlers });
  v.replaceChildren(board.el);
  await loadFilter();
  shell.updateFilterLabel();
  await board.start();
}

/** The CRM pages: lists, record pages, deals. Returns false for others. */
function renderCrm(name, parts, params, cameFromSocial) {
  if (name === 'leads' || name === 'contacts') {
    if (parts[1]) {
      page = renderRecordPage(name, parts[1], { live, handlers, cameFromSocial });
      shell.pageView.replaceChildren(page.el);
    } else {
      shell.pageView.replaceChildren(renderPeopleList(name, params));
      document.title = `${name === 'leads' ? 'Leads' : 'Contacts'} · socialcrm`;
    }
    return true;
  }
  if (name === 'deals') {
    shell.pageView.replaceChildren(renderDeals(params));
    document.title = 'Deals · socialcrm';
    return true;
  }
  return false;
}

function route() {
  if (!shell) return;
  const [path, query] = (location.hash.replace(/^#/, '') || '/').split('?');
  const params = new URLSearchParams(query || '');
  const parts = path.split('/').filter(Boolean);
  const name = parts[0] || 'social';
  // A dialog belongs to the page it was opened on.
  for (const d of document.querySelectorAll('dialog[open]')) d.close();
  page.dispose();
  page = { dispose() {} };
  const cameFromSocial = lastPage === 'social';
  lastPage = name;
  for (const a of shell.nav.querySelectorAll('a')) {
    if (a.dataset.route === name) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  const social = name === 'social' || name === '';
  shell.socialView.hidden = !social;
  shell.pageView.hidden = social;
  document.body.dataset.page = name;
  if (social) { renderSocial(); document.title = 'Social · socialcrm'; return; }
  showToolbar(false);
  if (renderCrm(name, parts, params, cameFromSocial)) {
    // Focus moves to the new page's heading (below).
  } else if (name === 'activity') {
    shell.pageView.replaceChildren(renderActivity());
    document.title = 'Activity · socialcrm';
  } else if (name === 'settings' && isSocialAdmin()) {
    shell.pageView.replaceChildren(renderSettings(parts[1] || 'accounts', params));
    document.title = 'Social settings · socialcrm';
  } else if (name === 'settings') {
    shell.pageView.replaceChildren(noticeBox('Social settings are for administrators', 'Ask a social administrator to link accounts or change what your profile may do.'));
  } else {
    shell.pageView.replaceChildren(noticeBox('Not found', 'This page does not exist.', h('a', { href: '#/' }, 'Back to the social tab')));
  }
  const heading = shell.pageView.querySelector('h1');
  if (heading) { heading.tabIndex = -1; heading.focus(); }
}

// Whether this browser was signed in when last seen. Without it the first
// screen is the sign-in form at once: asking GET /session would only get
// the 401 a signed-out visit must get, which the browser reports as a
// failed load. Where storage is off, the server is asked every time.
const SIGNED_IN_HINT = 'socialcrm.signedIn';

function maybeSignedIn() {
  try { return localStorage.getItem(SIGNED_IN_HINT) === '1'; } catch { return true; }
}

function rememberSignedIn(yes) {
  try {
    if (yes) localStorage.setItem(SIGNED_IN_HINT, '1');
    else localStorage.removeItem(SIGNED_IN_HINT);
  } catch { /* storage off: see maybeSignedIn */ }
}

async function start(session) {
  rememberSignedIn(true);
  app.session = session;
  setCsrf(session.csrf_token);
  shell = buildShell();
  socialError = '';
  lastPage = '';
  try {
    await loadAccounts();
  } catch (e) {
    // The CRM pages work without the social tab; the tab says why not.
    socialError = e.message;
  }
  route();
}

async function signOut() {
  try { await del('/session'); } catch { /* the session may be gone already */ }
  page.dispose();
  dropBoard();
  shell = null;
  app.session = null;
  rememberSignedIn(false);
  setCsrf('');
  renderSignIn(root, start);
}

window.addEventListener('hashchange', route);
live.addEventListener('stale', () => { get('/session').catch(() => {}); });
live.addEventListener('servererror', (e) => {
  const err = (e.detail && e.detail.error) || {};
  announce(`Live feed: ${err.message || err.code || 'the server refused a request'}`, 'error');
});
apiEvents.addEventListener('unauthorized', () => {
  rememberSignedIn(false);
  if (!app.session) return;
  page.dispose();
  dropBoard();
  shell = null;
  app.session = null;
  renderSignIn(root, start, 'Your session ended. Please sign in again.');
});
on('accounts', () => {
  if (!shell) return;
  const had = !!board;
  const has = linkedAccounts().length > 0;
  if (had !== has && !shell.socialView.hidden) renderSocial();
  else if (!has && board) dropBoard();
  else if (board) board.rescope();
});

installShortcuts({
  compose: () => { if (board) openCompose(); },
  filter: () => { if (board) openFilter(() => { shell.updateFilterLabel(); board.rescope(); }); },
  addColumn: () => { if (board) openAddColumn(board); },
  go: (r) => { location.hash = r; },
  board: () => board,
});

// The skip link would otherwise change the route (#main).
document.querySelector('.skip-link').addEventListener('click', (e) => {
  e.preventDefault();
  const main = document.getElementById('main');
  if (main) main.focus();
});

startClock();
if (maybeSignedIn()) {
  get('/session', { quiet401: true }).then(start, () => {
    rememberSignedIn(false);
    renderSignIn(root, start);
  });
} else {
  renderSignIn(root, start);
}
