// The Deals page (SPEC S-2.1, S-3.7): every deal with its contact, a
// stage filter, name search and sorting; create and edit with stage
// open/won/lost and expected revenue. A stage changed here moves the
// contact's posts in every open social tab (the server publishes it).

import { h, fill, field, formError } from './dom.js';
import { get, post as apiPost, patch, qs } from './api.js';
import { openDialog, announce } from './dialog.js';
import { timeEl } from './time.js';
import { icon } from './icons.js';
import { personPicker } from './add_person.js';
import { STAGES, formatMoney, personName, recordHref, showApiError } from './crm_common.js';
import { stageSelect, contactNames } from './record_related.js';
import { LIST_PAGE_SIZE } from './record_list.js';

/** How long typing pauses before the search runs. */
const SEARCH_DELAY_MS = 250;
/** The largest expected revenue the API takes (web/limits.hpp max_amount). */
const MAX_AMOUNT = 1e12;

/**
 * Create (deal null) or edit a deal in a dialog; `done(deal)` after the
 * save. A new deal needs its contact, found by name.
 */
export function openDealForm(deal, done, contact = null) {
  let chosen = contact;
  const inputs = {
    name: h('input', { name: 'name', autocomplete: 'off', value: deal ? deal.name : '' }),
    amount: h('input', { name: 'amount', type: 'number', min: '0', max: String(MAX_AMOUNT), step: '0.01', value: deal ? String(deal.amount) : '0' }),
    stage: h('select', { name: 'stage' }, STAGES.map(([v, label]) => h('option', { value: v, selected: (deal ? deal.stage : 'open') === v }, label))),
  };
  const fields = {
    name: field('Deal name', inputs.name), amount: field('Expected revenue', inputs.amount), stage: field('Stage', inputs.stage),
  };
  const contactLine = h('p', { class: 'chosen-contact' });
  const picker = deal ? null : personPicker((p) => {
    if (p.record_type !== 'contact') { picker.showError('Deals belong to contacts: convert the lead to a contact first.'); return; }
    chosen = p;
    showContact();
  }, { label: 'Contact', buttonLabel: 'Choose' });
  function showContact() {
    fill(contactLine, chosen ? [h('strong', {}, 'Contact: '), personName(chosen)] : h('span', { class: 'muted' }, 'No contact chosen yet.'));
  }
  showContact();
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const save = h('button', { type: 'submit', class: 'primary' }, deal ? 'Save deal' : 'Create deal');
  const form = h('form', { class: 'stack', novalidate: true, dataset: { form: 'deal-edit' } },
    deal ? null : [picker, contactLine], h('div', { class: 'grid-2' }, fields.name, fields.amount, fields.stage), error,
    h('div', { class: 'actions-row' }, save));
  const { close } = openDialog(deal ? `Edit deal ${deal.name}` : 'New deal', form, { label: 'deal-form' });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    for (const f of Object.values(fields)) f.showError('');
    formError(error, '');
    if (!deal && !chosen) { formError(error, 'Choose the contact the deal is with.'); return; }
    const amount = inputs.amount.value === '' ? 0 : Number(inputs.amount.value);
    const body = { name: inputs.name.value.trim(), amount, stage: inputs.stage.value };
    if (deal) for (const k of Object.keys(body)) if (body[k] === deal[k]) delete body[k];
    if (deal && !Object.keys(body).length) { close(); return; }
    save.disabled = true;
    try {
      const out = deal ? await patch(`/deals/${encodeURIComponent(deal.id)}`, body)
        : await apiPost('/deals', { ...body, contact_id: String(chosen.id) });
      close();
      announce(deal ? `Deal ${out.name} saved` : `Deal ${out.name} created`);
      done(out);
    } catch (err) {
      showApiError(err, fields, error);
      save.disabled = false;
    }
  });
}

export function renderDeals(params) {
  const state = {
    stage: params.get('stage') || '', q: params.get('q') || '',
    sort: params.get('sort') || '-created', offset: Math.max(0, Number(params.get('offset')) || 0),
  };
  const names = new Map(); // contact id -> contact (or null)
  const stage = h('select', { name: 'stage' }, h('option', { value: '' }, 'All stages'),
    STAGES.map(([v, label]) => h('option', { value: v, selected: state.stage === v }, label)));
  const search = h('input', { type: 'search', value: state.q, autocomplete: 'off', placeholder: 'Deal name…' });
  const body = h('tbody');
  const head = h('tr');
  const table = h('table', { class: 'table records', dataset: { list: 'deals' } }, h('caption', { class: 'sr-only' }, 'Deals'), h('thead', {}, head), body);
  const status = h('p', { class: 'muted list-status', role: 'status' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const prev = h('button', { type: 'button', class: 'secondary', onClick: () => { state.offset = Math.max(0, state.offset - LIST_PAGE_SIZE); load(); } }, 'Previous page');
  const next = h('button', { type: 'button', class: 'secondary', onClick: () => { state.offset += LIST_PAGE_SIZE; load(); } }, 'Next page');
  const newBtn = h('button', { type: 'button', class: 'primary', onClick: () => openDealForm(null, () => load()) }, icon('plus'), ' New deal');
  let generation = 0;

  function sortHeader(key, label) {
    const on = state.sort.replace(/^-/, '') === key;
    const desc = state.sort.startsWith('-');
    return h('th', { scope: 'col', class: key === 'amount' ? 'num' : null, 'aria-sort': on ? (desc ? 'descending' : 'ascending') : 'none' },
      h('button', { type: 'button', class: 'sort-button', dataset: { sort: key }, onClick: () => { state.sort = on && !desc ? `-${key}` : key; state.offset = 0; load(); } },
        label, h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, on ? (desc ? ' ▼' : ' ▲') : '')));
  }

  function row(d) {
    const c = names.get(String(d.contact_id));
    return h('tr', { dataset: { dealId: String(d.id), stage: d.stage } },
      h('td', {}, d.name),
      h('td', {}, c ? h('a', { href: recordHref('contact', d.contact_id) }, personName(c)) : `Contact ${d.contact_id}`),
      h('td', { class: 'num' }, formatMoney(d.amount)),
      h('td', {}, stageSelect(d, () => { if (state.stage) load(); })),
      h('td', {}, timeEl(d.created_at)), h('td', {}, d.closed_at ? timeEl(d.closed_at) : '—'),
      h('td', {}, h('button', { type: 'button', class: 'secondary', 'aria-label': `Edit ${d.name}`, onClick: () => openDealForm(d, () => load()) }, 'Edit')));
  }

  async function load() {
    const mine = ++generation;
    head.replaceChildren(sortHeader('name', 'Deal'), h('th', { scope: 'col' }, 'Contact'), sortHeader('amount', 'Expected revenue'),
      h('th', { scope: 'col' }, 'Stage'), sortHeader('created', 'Created'), h('th', { scope: 'col' }, 'Closed'), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')));
    const hash = `#/deals${qs({ stage: state.stage, q: state.q, sort: state.sort === '-created' ? '' : state.sort, offset: state.offset || '' })}`;
    if (location.hash !== hash) history.replaceState(null, '', hash);
    table.setAttribute('aria-busy', 'true');
    try {
      const page = await get(`/deals${qs({ stage: state.stage, q: state.q, sort: state.sort, offset: state.offset, limit: LIST_PAGE_SIZE })}`);
      const items = page.items || [];
      await contactNames(items.map((d) => d.contact_id), names);
      if (mine !== generation) return;
      body.replaceChildren(...items.map(row));
      if (!items.length) body.append(h('tr', {}, h('td', { colspan: '7', class: 'empty' }, state.stage || state.q ? 'No deal matches.' : 'No deals yet.')));
      status.textContent = items.length ? `Deals ${state.offset + 1}–${state.offset + items.length}` : '';
      prev.disabled = state.offset === 0;
      next.disabled = page.next_offset === null || page.next_offset === undefined;
      formError(error, '');
    } catch (e) {
      if (mine === generation) formError(error, e.message);
    } finally {
      if (mine === generation) table.setAttribute('aria-busy', 'false');
    }
  }

  stage.addEventListener('change', () => { state.stage = stage.value; state.offset = 0; load(); });
  let timer = 0;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.q = search.value.trim(); state.offset = 0; load(); }, SEARCH_DELAY_MS);
  });
  load();
  return h('section', { class: 'page crm-page', 'aria-labelledby': 'deals-title', dataset: { page: 'deals' } },
    h('div', { class: 'page-head' }, h('h1', { id: 'deals-title' }, 'Deals'), newBtn),
    h('div', { class: 'list-tools' }, field('Stage', stage), field('Search deals by name', search), status),
    error, h('div', { class: 'table-wrap' }, table),
    h('nav', { class: 'pager', 'aria-label': 'Deal pages' }, prev, next));
}
