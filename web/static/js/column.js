// One feed column: its posts newest first (by seq), paged over REST, fed
// live, updated in place. A column scrolled away from the top keeps new
// posts aside behind a "N newer posts" button instead of moving what the
// user is reading.

import { h, fill, nextId } from './dom.js';
import { get, qs } from './api.js';
import { renderPost } from './post_card.js';

/** Posts fetched per page: a screenful several times over, one request. */
const PAGE_SIZE = 40;
/** Posts kept in one column's DOM; older ones are fetched again on demand. */
const MAX_POSTS = 400;
/** A column counts as "at the top" within this many pixels. */
const TOP_SLACK_PX = 8;

export class FeedColumn {
  /**
   * spec: {kind: 'crm', column, view, filter, title} or {kind: 'user', id,
   * type: 'keyword'|'custom'|'my_posts', title}. ctx: {handlers, live,
   * controls(column) -> nodes for the header, emptyText}; a record page's
   * list also gives ctx.path(before, limit) and ctx.columnKind ('record').
   */
  constructor(spec, ctx) {
    this.spec = { ...spec };
    this.ctx = ctx;
    this.posts = new Map(); // id -> {post, el}
    this.pending = new Map(); // live posts held while scrolled down
    this.arrivedDuringLoad = null; // live posts that came while reloading
    this.nextBefore = null;
    this.loading = false;
    this.generation = 0; // drops answers of superseded loads
    const titleId = nextId('col');
    this.titleEl = h('h2', { id: titleId, class: 'column-title' }, spec.title);
    this.countEl = h('span', { class: 'column-count', 'aria-hidden': 'true' });
    this.errorEl = h('p', { class: 'column-error', role: 'alert', hidden: true });
    this.newerBtn = h('button', { type: 'button', class: 'newer', hidden: true, onClick: () => this.showPending(true) });
    this.emptyEl = h('p', { class: 'empty' }, ctx.emptyText || 'No posts yet.');
    this.body = h('div', { class: 'column-body', role: 'feed', 'aria-busy': 'false', 'aria-labelledby': titleId });
    this.olderBtn = h('button', { type: 'button', class: 'older secondary', hidden: true, onClick: () => this.loadOlder() }, 'Load older posts');
    this.controlsEl = h('div', { class: 'column-controls' });
    this.headActionsEl = h('span', { class: 'column-head-actions' });
    this.el = h('section', {
      class: `column column-${spec.kind === 'crm' ? spec.column : spec.type}`, 'aria-labelledby': titleId,
      dataset: { column: this.key() },
    },
    h('header', { class: 'column-head' }, h('div', { class: 'column-title-row' }, this.titleEl, this.countEl, this.headActionsEl), this.controlsEl),
    this.errorEl, this.newerBtn, this.body, this.olderBtn);
    this.body.append(this.emptyEl);
    this.body.addEventListener('scroll', () => {
      if (this.atTop() && this.pending.size) this.showPending(false);
    }, { passive: true });
    this.body.addEventListener('keydown', (e) => this.onKey(e));
    this.body.addEventListener('focusin', (e) => {
      const art = e.target.closest && e.target.closest('article.post');
      if (art && art.parentElement === this.body) { this.visited = true; this.setCurrent(art); }
    });
    this.renderControls();
  }

  /** A stable name: "customers/stream/top10" or "column:42". */
  key() {
    const s = this.spec;
    return s.kind === 'crm' ? [s.column, s.view || '', s.filter || ''].join('/') : `column:${s.id}`;
  }

  /** The view object the WebSocket subscription names. */
  subscription() {
    const s = this.spec;
    if (s.kind !== 'crm') return { column_id: String(s.id) };
    const v = { column: s.column };
    if (s.view) v.view = s.view;
    if (s.filter) v.filter = s.filter;
    return v;
  }

  /** Whether a live event's view object means this column. */
  matches(v) {
    const s = this.spec;
    if (!v) return false;
    if (s.kind !== 'crm') return v.column_id !== undefined && String(v.column_id) === String(s.id);
    return v.column === s.column && (v.view || '') === (s.view || '') && (v.filter || '') === (s.filter || '');
  }

  renderControls() {
    fill(this.controlsEl, this.ctx.controls ? this.ctx.controls(this) : null);
    fill(this.headActionsEl, this.ctx.headActions ? this.ctx.headActions(this) : null);
    this.controlsEl.hidden = !this.controlsEl.childNodes.length;
  }

  setTitle(text) {
    this.spec.title = text;
    this.titleEl.textContent = text;
  }

  path(before) {
    const s = this.spec;
    if (this.ctx.path) return this.ctx.path(before, PAGE_SIZE); // a record's list
    if (s.kind === 'crm')
      return `/social/feed${qs({ column: s.column, view: s.view, filter: s.filter, before, limit: PAGE_SIZE })}`;
    return `/social/columns/${encodeURIComponent(s.id)}/posts${qs({ before, limit: PAGE_SIZE })}`;
  }

  atTop() {
    return this.body.scrollTop <= TOP_SLACK_PX;
  }

  showError(message) {
    this.errorEl.textContent = message || '';
    this.errorEl.hidden = !message;
  }

  /** Replaces the content with the newest page (view or filter changed). */
  async reload() {
    const gen = ++this.generation;
    this.loading = true;
    this.arrivedDuringLoad = new Map();
    this.body.setAttribute('aria-busy', 'true');
    try {
      const page = await get(this.path());
      if (gen !== this.generation) return;
      for (const { el } of this.posts.values()) el.remove();
      this.posts.clear();
      this.pending.clear();
      for (const p of page.items || []) this.insert(p);
      // Newer than the fetch, or fetched already: inserting is idempotent.
      for (const p of this.arrivedDuringLoad.values()) this.insert(p);
      this.nextBefore = page.next_before ?? null;
      this.showError('');
    } catch (e) {
      if (gen === this.generation) this.showError(e.message);
    } finally {
      if (gen === this.generation) {
        this.loading = false;
        this.arrivedDuringLoad = null;
        this.body.setAttribute('aria-busy', 'false');
        this.update();
      }
    }
  }

  /** Adds what the newest page has that is not shown (posts moved here). */
  async merge() {
    const gen = this.generation;
    try {
      const page = await get(this.path());
      if (gen !== this.generation) return;
      for (const p of page.items || []) this.upsert(p);
      if (this.posts.size <= (page.items || []).length) this.nextBefore = page.next_before ?? null;
      this.showError('');
    } catch (e) {
      this.showError(e.message);
    }
    this.update();
  }

  async loadOlder() {
    if (this.nextBefore === null || this.loading) return;
    this.loading = true;
    this.body.setAttribute('aria-busy', 'true');
    const gen = this.generation;
    try {
      const page = await get(this.path(this.nextBefore));
      if (gen !== this.generation) return;
      for (const p of page.items || []) this.upsert(p, true);
      this.nextBefore = page.next_before ?? null;
    } catch (e) {
      this.showError(e.message);
    } finally {
      this.loading = false;
      this.body.setAttribute('aria-busy', 'false');
      this.update();
    }
  }

  /** A live post for this column. */
  receive(post) {
    if (this.arrivedDuringLoad) this.arrivedDuringLoad.set(String(post.id), post);
    if (this.posts.has(String(post.id))) return this.upsert(post);
    if (!this.atTop()) {
      this.pending.set(String(post.id), post);
      this.update();
      return;
    }
    this.insert(post);
    this.update();
  }

  showPending(focus) {
    const first = [...this.pending.values()].sort((a, b) => Number(b.seq) - Number(a.seq))[0];
    for (const p of this.pending.values()) this.insert(p);
    this.pending.clear();
    this.update();
    if (focus) {
      this.body.scrollTop = 0;
      const el = first && this.posts.get(String(first.id));
      if (el) { this.setCurrent(el.el); el.el.focus(); }
    }
  }

  upsert(post, older = false) {
    const id = String(post.id);
    const have = this.posts.get(id);
    if (!have) return older ? this.insert(post, true) : this.insert(post);
    const el = this.renderCard(post);
    el.tabIndex = have.el.tabIndex;
    have.el.replaceWith(el);
    this.posts.set(id, { post, el });
  }

  insert(post, allowBeyondCap = false) {
    const id = String(post.id);
    if (this.posts.has(id)) return;
    const el = this.renderCard(post);
    const seq = Number(post.seq);
    let before = null;
    for (const child of this.body.children) {
      if (child.tagName === 'ARTICLE' && Number(child.dataset.seq) < seq) { before = child; break; }
    }
    this.body.insertBefore(el, before);
    this.posts.set(id, { post, el });
    if (!allowBeyondCap && this.posts.size > MAX_POSTS) this.trim();
  }

  trim() {
    const articles = this.body.querySelectorAll('article.post');
    for (let i = MAX_POSTS; i < articles.length; i++) {
      this.posts.delete(articles[i].dataset.postId);
      articles[i].remove();
    }
    const last = this.body.querySelector('article.post:last-of-type');
    if (last) this.nextBefore = Number(last.dataset.seq);
  }

  renderCard(post) {
    const s = this.spec;
    return renderPost(post, {
      columnKind: this.ctx.columnKind || (s.kind === 'crm' ? 'crm' : s.type),
      showStanding: !this.ctx.columnKind && (s.kind !== 'crm' || s.column !== post.standing),
      handlers: this.ctx.handlers,
    });
  }

  /** Removes posts for which `pred(post)` holds; returns how many. */
  removeWhere(pred) {
    let n = 0;
    for (const [id, { post, el }] of [...this.posts]) {
      if (!pred(post)) continue;
      if (el.contains(document.activeElement)) this.focusNeighbour(el);
      el.remove();
      this.posts.delete(id);
      n++;
    }
    for (const [id, post] of [...this.pending]) if (pred(post)) this.pending.delete(id);
    if (n) this.update();
    return n;
  }

  /** Re-renders posts for which `change(post)` returns a new post. */
  updateWhere(change) {
    for (const { post } of [...this.posts.values()]) {
      const next = change(post);
      if (next) this.upsert(next);
    }
  }

  allPosts() {
    return [...this.posts.values()].map((x) => x.post);
  }

  update() {
    const n = this.posts.size;
    this.emptyEl.hidden = n > 0 || this.loading;
    this.olderBtn.hidden = this.nextBefore === null || this.nextBefore === undefined || n === 0;
    const k = this.pending.size;
    this.newerBtn.hidden = k === 0;
    this.newerBtn.textContent = k === 1 ? '1 newer post' : `${k} newer posts`;
    this.countEl.textContent = n ? String(n) : '';
    // Until the user visits the column, its way in is the newest post.
    const first = this.body.querySelector('article.post');
    if (first && (!this.visited || !this.body.querySelector('article.post[tabindex="0"]'))) this.setCurrent(first);
  }

  // --- keyboard: j/k or arrows move between posts; roving tabindex ---------

  setCurrent(article) {
    for (const a of this.body.querySelectorAll('article.post[tabindex="0"]')) if (a !== article) a.tabIndex = -1;
    article.tabIndex = 0;
  }

  focusCurrent() {
    const a = this.body.querySelector('article.post[tabindex="0"]') || this.body.querySelector('article.post');
    if (a) { this.setCurrent(a); a.focus(); return true; }
    const ctl = this.el.querySelector('button, select, input');
    if (ctl) ctl.focus();
    return false;
  }

  focusNeighbour(el) {
    const next = el.nextElementSibling && el.nextElementSibling.matches('article.post')
      ? el.nextElementSibling : el.previousElementSibling;
    if (next && next.matches('article.post')) { this.setCurrent(next); next.focus(); }
  }

  onKey(e) {
    if (e.target.closest('input, textarea, select, [role=menu]')) return;
    const art = e.target.closest('article.post');
    if (!art) return;
    let target = null;
    if (e.key === 'j' || e.key === 'ArrowDown') target = art.nextElementSibling;
    else if (e.key === 'k' || e.key === 'ArrowUp') target = art.previousElementSibling;
    else if (e.key === 'Home') target = this.body.querySelector('article.post');
    else if (e.key === 'End') target = this.body.querySelector('article.post:last-of-type');
    else if (e.key === 'Enter' && e.target === art) {
      const open = art.querySelector('[data-action=details], [data-action=add]');
      if (open) { e.preventDefault(); open.click(); }
      return;
    } else return;
    e.preventDefault();
    if (target && target.matches('article.post')) {
      this.setCurrent(target);
      target.focus();
      target.scrollIntoView({ block: 'nearest' });
    }
  }
}
