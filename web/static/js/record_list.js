// The Leads and Contacts list pages (SPEC S-2.1): search by name, sort by
// a column header, page through. The search, sort and page live in the
// address (#/leads?q=&sort=&offset=), so Back and a reload come back to
// the same list.

import { h, field } from './dom.js';
import { get, qs } from './api.js';
import { timeEl } from './time.js';
import { icon } from './icons.js';
import { PEOPLE, personName, recordHref, openPersonForm } from './crm_common.js';

/** Rows per page: a screenful at 1280x800 without scrolling far. */
export const LIST_PAGE_SIZE = 25;
/** How long typing pauses before the search runs. */
const SEARCH_DELAY_MS = 250;

/** The table's columns: API sort key (or field), header, sortable. */
const COLUMNS = [
  ['name', 'Name', true], ['company', 'Company', true], ['email', 'E-mail', false],
  ['phone', 'Phone', false], ['created', 'Created', true],
];

/** Writes the list's state into the address without a new history entry. */
function keepInAddress(route, state) {
  const q = qs({ q: state.q, sort: state.sort === 'name' ? '' : state.sort, offset: state.offset || '' });
  const hash = `#/${route}${q}`;
  if (location.hash !== hash) history.replaceState(null, '', hash);
}

/** The list page of `route` ('leads' or 'contacts'); params from the address. */
export function renderPeopleList(route, params) {
  const kind = PEOPLE[route];
  const state = {
    q: params.get('q') || '',
    sort: params.get('sort') || 'name',
    offset: Math.max(0, Number(params.get('offset')) || 0),
  };
  const search = h('input', { type: 'search', value: state.q, autocomplete: 'off', placeholder: 'Name…' });
  const searchField = field('Search by name', search);
  const newBtn = h('button', { type: 'button', class: 'primary', onClick: () => openPersonForm(kind, null, (r) => { location.hash = recordHref(kind.type, r.id); }) },
    icon('plus'), ` New ${kind.noun}`);
  const status = h('p', { class: 'muted list-status', role: 'status' });
  const body = h('tbody');
  const head = h('tr');
  const table = h('table', { class: 'table records', dataset: { list: route } },
    h('caption', { class: 'sr-only' }, kind.plural), h('thead', {}, head), body);
  const prev = h('button', { type: 'button', class: 'secondary', onClick: () => go(state.offset - LIST_PAGE_SIZE) }, 'Previous page');
  const next = h('button', { type: 'button', class: 'secondary', onClick: () => go(state.offset + LIST_PAGE_SIZE) }, 'Next page');
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  let generation = 0;

  function renderHead() {
    const key = state.sort.replace(/^-/, '');
    const desc = state.sort.startsWith('-');
    head.replaceChildren(...COLUMNS.map(([k, label, sortable]) => {
      if (!sortable) return h('th', { scope: 'col' }, label);
      const on = key === k;
      return h('th', { scope: 'col', 'aria-sort': on ? (desc ? 'descending' : 'ascending') : 'none' },
        h('button', {
          type: 'button', class: 'sort-button', dataset: { sort: k },
          title: `Sort by ${label.toLowerCase()}${on && !desc ? ', descending' : ''}`,
          onClick: () => { state.sort = on && !desc ? `-${k}` : k; state.offset = 0; load(); },
        }, label, h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, on ? (desc ? ' ▼' : ' ▲') : '')));
    }));
  }

  function go(offset) {
    state.offset = Math.max(0, offset);
    load();
  }

  async function load() {
    const mine = ++generation;
    renderHead();
    keepInAddress(route, state);
    table.setAttribute('aria-busy', 'true');
    try {
      const page = await get(`${kind.path}${qs({ q: state.q, sort: state.sort, offset: state.offset, limit: LIST_PAGE_SIZE })}`);
      if (mine !== generation) return;
      const items = page.items || [];
      body.replaceChildren(...items.map((p) => h('tr', { dataset: { recordId: String(p.id) } },
        h('td', {}, h('a', { href: recordHref(kind.type, p.id) }, personName(p))),
        h('td', {}, p.company || ''),
        h('td', {}, p.email || ''),
        h('td', {}, p.phone || ''),
        h('td', {}, timeEl(p.created_at)))));
      if (!items.length)
        body.append(h('tr', {}, h('td', { colspan: '5', class: 'empty' }, state.q ? `No ${kind.noun} matches “${state.q}”.` : `No ${kind.plural.toLowerCase()} yet.`)));
      const from = items.length ? state.offset + 1 : 0;
      status.textContent = items.length ? `${kind.plural} ${from}–${state.offset + items.length}` : '';
      prev.disabled = state.offset === 0;
      next.disabled = page.next_offset === null || page.next_offset === undefined;
      error.hidden = true;
    } catch (e) {
      if (mine !== generation) return;
      error.textContent = e.message;
      error.hidden = false;
    } finally {
      if (mine === generation) table.setAttribute('aria-busy', 'false');
    }
  }

  let timer = 0;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.q = search.value.trim(); state.offset = 0; load(); }, SEARCH_DELAY_MS);
  });
  search.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { e.preventDefault(); clearTimeout(timer); state.q = search.value.trim(); state.offset = 0; load(); }
  });
  load();
  return h('section', { class: 'page crm-page', 'aria-labelledby': `${route}-title`, dataset: { page: route } },
    h('div', { class: 'page-head' }, h('h1', { id: `${route}-title` }, kind.plural), newBtn),
    h('div', { class: 'list-tools' }, searchField, status),
    error, h('div', { class: 'table-wrap' }, table),
    h('nav', { class: 'pager', 'aria-label': `${kind.plural} pages` }, prev, next));
}
