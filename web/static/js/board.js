// The CRM view (SPEC S-3) and the user's own columns (S-4) side by side,
// kept live: posts go to the columns their event names, a standing change
// moves the person's posts out of the old column and into the new one, a
// resync refetches everything.

import { h } from './dom.js';
import { get, post as apiPost, del } from './api.js';
import { icon } from './icons.js';
import { FeedColumn } from './column.js';
import { samePerson, emit } from './state.js';
import { announce, confirmDialog } from './dialog.js';
import { accountShown } from './filter.js';

export const CRM_COLUMNS = [
  { column: 'customers', title: 'Customers', views: true, empty: 'Posts of customers appear here.' },
  { column: 'negotiation', title: 'In negotiation', views: true, filters: true, empty: 'Posts of contacts with an open deal appear here.' },
  { column: 'leads', title: 'Leads/Contacts', views: true, empty: 'Posts of leads and contacts appear here.' },
  { column: 'unknown', title: 'Unknown', views: false, empty: 'New interactions from people not in the CRM land here first.' },
];

const FILTERS = [
  ['', 'All deals'], ['this_month', 'Deals created this month'], ['new_deals', 'New deals'], ['top10', 'Top 10 deals'],
];

function authorMatches(post, authors) {
  if (!Array.isArray(authors) || !post.author) return false;
  const uid = String(post.author.network_user_id);
  return authors.some((a) => {
    if (typeof a === 'string') return a === `${post.network}:${uid}` || a === uid;
    return (a.network === undefined || a.network === post.network)
      && String(a.network_user_id ?? a.user_id ?? '') === uid;
  });
}

export class Board {
  constructor({ live, handlers }) {
    this.live = live;
    this.handlers = handlers;
    this.columns = [];
    this.row = h('div', { class: 'columns' });
    this.nav = h('nav', { class: 'column-nav', 'aria-label': 'Columns' });
    this.el = h('div', { class: 'board' }, this.nav, this.row);
    this.listeners = {
      post: (e) => this.onPost(e.detail),
      standing_changed: (e) => this.onStanding(e.detail),
      // A fresh subscribe (the first, or after a resync) starts at the
      // server's newest event: what was stored before it is loaded now.
      subscribed: (e) => { if (e.detail.fresh && this.loaded) this.reloadAll(); },
    };
    for (const [type, fn] of Object.entries(this.listeners)) live.addEventListener(type, fn);
  }

  /** Stops listening to the live feed (the board is being dropped). */
  dispose() {
    for (const [type, fn] of Object.entries(this.listeners)) this.live.removeEventListener(type, fn);
  }

  crmColumn(name) {
    return this.columns.find((c) => c.spec.kind === 'crm' && c.spec.column === name);
  }

  userColumns() {
    return this.columns.filter((c) => c.spec.kind === 'user');
  }

  addCrmColumns() {
    for (const def of CRM_COLUMNS) {
      const col = new FeedColumn({
        kind: 'crm', column: def.column, title: def.title,
        // Unknown has no sub-views: its posts are the conversations (S-3.4).
        view: 'conversations', filter: '',
      }, { handlers: this.handlers, emptyText: def.empty, controls: (c) => this.crmControls(c, def) });
      this.add(col);
    }
  }

  /** The columns without data: nothing is linked yet (S-8.4). */
  startEmpty() {
    this.dispose();
    this.addCrmColumns();
    for (const c of this.columns) c.update();
  }

  async start() {
    this.addCrmColumns();
    try {
      const cols = await get('/social/columns');
      for (const c of (cols && cols.items) || []) this.addUser(c, false);
    } catch (e) {
      announce(`Your columns could not be loaded: ${e.message}`, 'error');
    }
    // Subscribe first, then load once the server has answered: what is
    // stored before the subscribe is in the load, what comes after arrives
    // live and is merged, so nothing falls between the fetch and the feed.
    const settled = this.live.settled();
    this.subscribe();
    this.live.start();
    await settled;
    this.loaded = true;
    await this.reloadAll();
  }

  add(col) {
    this.columns.push(col);
    this.row.append(col.el);
    this.renderNav();
  }

  /** Adds a user column from its API object; `fresh` loads and subscribes. */
  addUser(c, fresh = true) {
    const spec = { kind: 'user', id: String(c.id), type: c.type, title: userColumnTitle(c), terms: c.terms, people: c.people };
    const col = new FeedColumn(spec, {
      handlers: this.handlers,
      emptyText: c.type === 'keyword' ? 'Posts matching these terms appear here.' : 'No posts yet.',
      controls: (fc) => this.userControls(fc, c),
      headActions: (fc) => this.userActions(fc, c),
    });
    this.add(col);
    if (fresh) {
      this.subscribe();
      col.reload();
      col.el.scrollIntoView({ inline: 'nearest', block: 'nearest' });
    }
    return col;
  }

  async removeUser(col) {
    const ok = await confirmDialog('Remove column', `Remove the column “${col.spec.title}”? Its posts stay in the CRM view.`, 'Remove column');
    if (!ok) return;
    try {
      await del(`/social/columns/${encodeURIComponent(col.spec.id)}`);
    } catch (e) {
      if (e.code !== 'column_not_found') { announce(e.message, 'error'); return; }
    }
    col.el.remove();
    this.columns = this.columns.filter((c) => c !== col);
    this.renderNav();
    this.subscribe();
    announce(`Column ${col.spec.title} removed`);
  }

  crmControls(col, def) {
    const nodes = [];
    if (def.views) {
      const group = h('div', { class: 'segmented', role: 'group', 'aria-label': `${def.title} view` });
      for (const [view, label] of [['conversations', 'Conversations'], ['stream', 'Stream']]) {
        group.append(h('button', {
          type: 'button', 'aria-pressed': String(col.spec.view === view), dataset: { view },
          onClick: () => this.setSpec(col, { view }),
        }, label));
      }
      nodes.push(group);
    }
    if (def.filters) {
      const select = h('select', { 'aria-label': 'Negotiation filter', class: 'filter-select', onChange: () => this.setSpec(col, { filter: select.value }) },
        FILTERS.map(([v, label]) => h('option', { value: v, selected: col.spec.filter === v }, label)));
      nodes.push(select);
    }
    return nodes;
  }

  userControls(col, c) {
    const nodes = [];
    if (c.type === 'keyword' && Array.isArray(c.terms))
      nodes.push(h('p', { class: 'terms' }, c.terms.map((t) => h('span', { class: 'chip chip-static' }, t))));
    if (c.type === 'custom' && Array.isArray(c.people) && c.people.length)
      nodes.push(h('p', { class: 'terms' }, c.people.map((p) => personChip(p))));
    return nodes;
  }

  userActions(col, c) {
    const nodes = [];
    if (c.type !== 'my_posts') {
      nodes.push(h('button', {
        type: 'button', class: 'icon-button', 'aria-label': `Refresh ${col.spec.title}`, title: 'Fetch the newest posts now',
        onClick: () => this.refresh(col),
      }, icon('refresh')));
    }
    nodes.push(h('button', {
      type: 'button', class: 'icon-button', 'aria-label': `Remove column ${col.spec.title}`, title: 'Remove this column',
      onClick: () => this.removeUser(col),
    }, icon('close')));
    return nodes;
  }

  async refresh(col) {
    try {
      await apiPost(`/social/columns/${encodeURIComponent(col.spec.id)}/refresh`, {});
      await col.merge();
      announce(`${col.spec.title} refreshed`);
    } catch (e) {
      col.showError(e.message);
    }
  }

  async setSpec(col, change) {
    Object.assign(col.spec, change);
    col.el.dataset.column = col.key();
    col.renderControls();
    this.subscribe();
    await col.reload();
  }

  renderNav() {
    this.nav.replaceChildren(...this.columns.map((c, i) => h('button', {
      type: 'button', class: 'secondary', title: `Go to ${c.spec.title} (${i + 1})`,
      onClick: () => this.focusColumn(i),
    }, c.spec.title)));
  }

  focusColumn(i) {
    const col = this.columns[i];
    if (!col) return;
    col.el.scrollIntoView({ inline: 'start', block: 'nearest' });
    col.focusCurrent();
  }

  /** The index of the column holding the focus, or -1. */
  focusedIndex() {
    return this.columns.findIndex((c) => c.el.contains(document.activeElement));
  }

  subscribe() {
    this.live.setViews(this.columns.map((c) => c.subscription()));
  }

  /** Refetches every column (resync, accounts changed). */
  async reloadAll() {
    await Promise.all(this.columns.map((c) => c.reload()));
  }

  /**
   * The account filter or the linked accounts changed: a new subscription
   * (the server reads the user's scope when subscribing), then new pages.
   */
  async rescope() {
    this.subscribe();
    await this.reloadAll();
  }

  onPost(msg) {
    const post = msg.post;
    if (!post) return;
    const views = Array.isArray(msg.views) ? msg.views : [];
    // The server applies the filter too; this covers the moment between a
    // filter change and the new subscription taking effect.
    const filtered = !accountShown(post.account_id);
    let placed = false;
    for (const col of this.columns) {
      if (filtered && (col.spec.kind === 'crm' || col.spec.type === 'my_posts')) continue;
      if (views.some((v) => col.matches(v))) { col.receive(post); placed = true; }
    }
    if (!placed && views.length === 0 && !filtered) {
      // A server that does not name views: place by standing.
      const col = this.crmColumn(post.standing);
      if (col) col.receive(post);
    }
  }

  onStanding(msg) {
    const match = (p) => samePerson(p.person, msg.person) || authorMatches(p, msg.authors);
    for (const col of this.columns) {
      if (col.spec.kind === 'crm') {
        if (col.spec.column !== msg.to) col.removeWhere(match);
      } else {
        col.updateWhere((p) => (match(p) ? { ...p, standing: msg.to, person: msg.person || p.person } : null));
      }
    }
    const dest = this.crmColumn(msg.to);
    if (dest) {
      dest.updateWhere((p) => (match(p) ? { ...p, standing: msg.to, person: msg.person || p.person } : null));
      dest.merge();
    }
    emit('person-changed', msg);
  }
}

/** A followed person's chip; the name arrives after a lookup. */
function personChip(p) {
  const chip = h('span', { class: 'chip chip-static' }, `${p.record_type} ${p.record_id}`);
  const path = `/${p.record_type === 'contact' ? 'contacts' : 'leads'}/${encodeURIComponent(p.record_id)}`;
  get(path).then((r) => {
    chip.textContent = [r.first_name, r.last_name].filter(Boolean).join(' ') || chip.textContent;
  }, () => {});
  return chip;
}

export function userColumnTitle(c) {
  if (c.title) return c.title;
  if (c.type === 'my_posts') return 'My posts';
  if (c.type === 'keyword') return `Search: ${(c.terms || []).join(', ')}`;
  return 'Custom column';
}
