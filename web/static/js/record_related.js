// The CRM related lists of a record page (SPEC S-2.1): a contact's deals
// (their stage changes move the contact's posts in every open social tab,
// S-3.7), tasks, notes and logged e-mails, each with its add form.

import { h, field, formError } from './dom.js';
import { get, post as apiPost, patch, qs, getAll } from './api.js';
import { announce } from './dialog.js';
import { timeEl } from './time.js';
import { crmForm } from './actions.js';
import { STAGES, formatMoney, showApiError } from './crm_common.js';

function section(id, title, ...children) {
  return h('section', { class: 'card', 'aria-labelledby': `${id}-title`, dataset: { related: id } },
    h('h2', { id: `${id}-title` }, title), ...children);
}

function addBox(label, form) {
  return h('details', { class: 'add-box' }, h('summary', {}, label), form);
}

/** A stage <select> that saves on change; `saved(deal)` after the PATCH. */
export function stageSelect(deal, saved) {
  const select = h('select', { 'aria-label': `Stage of ${deal.name}`, dataset: { dealId: String(deal.id) } },
    STAGES.map(([v, label]) => h('option', { value: v, selected: deal.stage === v }, label)));
  select.addEventListener('change', async () => {
    select.disabled = true;
    try {
      const out = await patch(`/deals/${encodeURIComponent(deal.id)}`, { stage: select.value });
      announce(`Deal ${deal.name} is now ${out.stage}`);
      Object.assign(deal, out);
      saved(out);
    } catch (e) {
      announce(e.message, 'error');
      select.value = deal.stage;
    } finally {
      select.disabled = false;
    }
  });
  return select;
}

/** A contact's deals; `changed(deals)` after any load (the standing shows). */
export function dealsSection(contactId, changed) {
  const body = h('tbody');
  const table = h('table', { class: 'table' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Deal'), h('th', { scope: 'col', class: 'num' }, 'Expected revenue'),
      h('th', { scope: 'col' }, 'Stage'), h('th', { scope: 'col' }, 'Created'), h('th', { scope: 'col' }, 'Closed'))), body);
  const empty = h('p', { class: 'empty' }, 'No deals yet.');
  const form = crmForm('deal', (b) => apiPost('/deals', { ...b, contact_id: String(contactId) }), () => { announce('Deal added'); load(); });
  const box = section('deals', 'Deals', h('div', { class: 'table-wrap' }, table), empty, addBox('Add deal', form));
  async function load() {
    const deals = await getAll(`/deals${qs({ contact_id: contactId })}`);
    body.replaceChildren(...deals.map((d) => h('tr', { dataset: { dealId: String(d.id) } },
      h('td', {}, d.name), h('td', { class: 'num' }, formatMoney(d.amount)),
      h('td', {}, stageSelect(d, () => load())),
      h('td', {}, timeEl(d.created_at)), h('td', {}, d.closed_at ? timeEl(d.closed_at) : '—'))));
    table.hidden = !deals.length;
    empty.hidden = deals.length > 0;
    changed(deals);
  }
  load().catch((e) => announce(e.message, 'error'));
  box.reload = load;
  return box;
}

export function tasksSection(ref) {
  const list = h('ul', { class: 'plain-list tasks' });
  const form = crmForm('task', (b) => apiPost('/tasks', { ...b, ...ref }), () => { announce('Task added'); load(); });
  const box = section('tasks', 'Tasks', list, addBox('Add task', form));
  async function load() {
    const tasks = await getAll(`/tasks${qs(ref)}`);
    list.replaceChildren(...(tasks.length ? tasks.map((t) => {
      const done = h('input', { type: 'checkbox', checked: t.status === 'done', 'aria-label': `${t.subject} done` });
      done.addEventListener('change', async () => {
        try {
          await patch(`/tasks/${encodeURIComponent(t.id)}`, { status: done.checked ? 'done' : 'open' });
          load();
        } catch (e) {
          done.checked = !done.checked;
          announce(e.message, 'error');
        }
      });
      return h('li', { class: `task task-${t.status}` }, h('label', { class: 'check-row' }, done, h('span', {}, t.subject)),
        t.due_at ? h('span', { class: 'muted' }, ' due ', timeEl(t.due_at)) : null);
    }) : [h('li', { class: 'empty' }, 'No tasks.')]));
  }
  load().catch((e) => announce(e.message, 'error'));
  return box;
}

export function notesSection(ref) {
  const list = h('ul', { class: 'plain-list notes' });
  const form = crmForm('note', (b) => apiPost('/notes', { ...b, ...ref }), () => { announce('Note added'); load(); });
  const box = section('notes', 'Notes', list, addBox('Add note', form));
  async function load() {
    const notes = await getAll(`/notes${qs(ref)}`);
    notes.sort((a, b) => Number(b.created_at) - Number(a.created_at));
    list.replaceChildren(...(notes.length ? notes.map((n) => h('li', { class: 'note' }, h('p', {}, n.body), timeEl(n.created_at)))
      : [h('li', { class: 'empty' }, 'No notes.')]));
  }
  load().catch((e) => announce(e.message, 'error'));
  return box;
}

function emailForm(ref, person, done) {
  const inputs = {
    direction: h('select', {}, h('option', { value: 'in' }, 'Received from them'), h('option', { value: 'out' }, 'Sent to them')),
    from: h('input', { type: 'email', value: person.email || '' }),
    to: h('input', { type: 'email' }),
    subject: h('input', {}),
    body: h('textarea', { rows: 3 }),
  };
  const fields = {
    direction: field('Direction', inputs.direction), from: field('From', inputs.from), to: field('To', inputs.to),
    subject: field('Subject', inputs.subject), body: field('Text', inputs.body),
  };
  inputs.direction.addEventListener('change', () => {
    // Their address goes where the direction puts it.
    const theirs = person.email || '';
    if (inputs.direction.value === 'in') { inputs.from.value = theirs; if (inputs.to.value === theirs) inputs.to.value = ''; }
    else { inputs.to.value = theirs; if (inputs.from.value === theirs) inputs.from.value = ''; }
  });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Log e-mail');
  const form = h('form', { class: 'stack', novalidate: true, dataset: { form: 'email' } },
    h('div', { class: 'grid-2' }, fields.direction, fields.subject, fields.from, fields.to), fields.body, error,
    h('div', { class: 'actions-row' }, save));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    for (const f of Object.values(fields)) f.showError('');
    formError(error, '');
    const body = { ...ref, direction: inputs.direction.value, from: inputs.from.value.trim(), to: inputs.to.value.trim(),
      subject: inputs.subject.value.trim(), body: inputs.body.value, sent_at: Date.now() };
    save.disabled = true;
    try {
      await apiPost('/emails', body);
      form.reset();
      done();
    } catch (err) {
      showApiError(err, fields, error);
    } finally {
      save.disabled = false;
    }
  });
  return form;
}

export function emailsSection(ref, person) {
  const list = h('ul', { class: 'plain-list emails' });
  const box = section('emails', 'Logged e-mails', list,
    addBox('Log an e-mail', emailForm(ref, person, () => { announce('E-mail logged'); load(); })));
  async function load() {
    const mails = await getAll(`/emails${qs(ref)}`);
    mails.sort((a, b) => Number(b.sent_at) - Number(a.sent_at));
    list.replaceChildren(...(mails.length ? mails.map((m) => h('li', { class: 'interaction email' },
      h('span', { class: 'badge' }, m.direction === 'out' ? 'Sent' : 'Received'), ' ',
      h('strong', {}, m.subject || '(no subject)'), ' ', timeEl(m.sent_at),
      h('p', { class: 'muted' }, `${m.from} → ${m.to}`), m.body ? h('p', {}, m.body) : null))
      : [h('li', { class: 'empty' }, 'No e-mails logged.')]));
  }
  load().catch((e) => announce(e.message, 'error'));
  return box;
}

/** Exposed for the deals page: one deal's contact name, cached per page. */
export async function contactNames(ids, cache) {
  const missing = [...new Set(ids.map(String))].filter((id) => !cache.has(id));
  await Promise.all(missing.map(async (id) => {
    try { cache.set(id, await get(`/contacts/${encodeURIComponent(id)}`)); } catch { cache.set(id, null); }
  }));
}
