// "+ Add" on an Unknown post (SPEC S-5.4): the author becomes a new lead or
// contact, or is associated with an existing one found by name. The live
// standing_changed event then moves every post of theirs.

import { h, field, formError, nextId } from './dom.js';
import { get, post as apiPost, qs } from './api.js';
import { openDialog, announce } from './dialog.js';
import { quote } from './actions.js';
import { tabs } from './tabs.js';

/** How long typing pauses before the name search runs. */
const SEARCH_DELAY_MS = 250;

function splitName(author) {
  const name = (author && (author.name || author.handle)) || '';
  const parts = name.replace(/^@/, '').trim().split(/\s+/);
  if (parts.length < 2) return { first: '', last: parts[0] || '' };
  return { first: parts.slice(0, -1).join(' '), last: parts[parts.length - 1] };
}

function newPersonForm(post, done) {
  const { first, last } = splitName(post.author);
  const as = h('fieldset', { class: 'radio-row' }, h('legend', {}, 'Add as'),
    h('label', {}, h('input', { type: 'radio', name: 'as', value: 'lead', checked: true }), ' Lead'),
    h('label', {}, h('input', { type: 'radio', name: 'as', value: 'contact' }), ' Contact'));
  const inputs = {
    first_name: h('input', { value: first, autocomplete: 'off' }),
    last_name: h('input', { value: last, required: true, autocomplete: 'off' }),
    email: h('input', { type: 'email', autocomplete: 'off' }),
    phone: h('input', { type: 'tel', autocomplete: 'off' }),
    company: h('input', { autocomplete: 'off' }),
    website: h('input', { type: 'url', autocomplete: 'off' }),
  };
  const fields = {
    first_name: field('First name', inputs.first_name), last_name: field('Last name', inputs.last_name),
    email: field('E-mail', inputs.email), phone: field('Phone', inputs.phone),
    company: field('Company', inputs.company), website: field('Website', inputs.website),
  };
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Add to CRM');
  const form = h('form', { class: 'stack', dataset: { form: 'add-person' } }, as,
    h('div', { class: 'grid-2' }, Object.values(fields)), error, h('div', { class: 'actions-row' }, save));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { as: form.querySelector('input[name=as]:checked').value };
    for (const [k, input] of Object.entries(inputs)) if (input.value.trim()) body[k] = input.value.trim();
    for (const f of Object.values(fields)) f.showError('');
    if (!body.last_name) { fields.last_name.showError('A last name is needed.'); inputs.last_name.focus(); return; }
    save.disabled = true;
    formError(error, '');
    try {
      const out = await apiPost(`/social/posts/${encodeURIComponent(post.id)}/add-person`, body);
      done(`${body.first_name ? `${body.first_name} ` : ''}${body.last_name} added as a ${body.as}`, out);
    } catch (err) {
      // A field named by the server gets the message next to it.
      const named = Object.keys(fields).find((k) => err.message.includes(`'${k}'`));
      if (named) fields[named].showError(err.message);
      else formError(error, err.message);
      save.disabled = false;
    }
  });
  return form;
}

async function searchPeople(q) {
  const [leads, contacts] = await Promise.all([
    get(`/leads${qs({ q, limit: 10 })}`), get(`/contacts${qs({ q, limit: 10 })}`)]);
  return [...(leads.items || []), ...(contacts.items || [])];
}

export function personName(p) {
  return [p.first_name, p.last_name].filter(Boolean).join(' ') || `#${p.id}`;
}

/**
 * A name search listing leads and contacts; `choose(person)` is called on
 * a pick. Used here and by the custom-column dialog.
 */
export function personPicker(choose, { label = 'Find a lead or contact by name', buttonLabel = 'Associate' } = {}) {
  const input = h('input', { type: 'search', autocomplete: 'off', placeholder: 'Name…' });
  const results = h('ul', { class: 'pick-list', 'aria-live': 'polite', id: nextId('results') });
  const f = field(label, input);
  let timer = 0;
  let seq = 0;
  const run = async () => {
    const q = input.value.trim();
    const mine = ++seq;
    if (!q) { results.replaceChildren(); return; }
    try {
      const people = await searchPeople(q);
      if (mine !== seq) return;
      results.replaceChildren(...(people.length ? people.map((p) => h('li', {},
        h('span', {}, h('strong', {}, personName(p)), ` · ${p.record_type}${p.company ? ` · ${p.company}` : ''}${p.email ? ` · ${p.email}` : ''}`),
        h('button', { type: 'button', class: 'secondary', onClick: () => choose(p) }, buttonLabel)))
        : [h('li', { class: 'empty' }, 'Nobody by that name.')]));
      f.showError('');
    } catch (e) {
      f.showError(e.message);
    }
  };
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, SEARCH_DELAY_MS); });
  input.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); clearTimeout(timer); run(); } });
  const box = h('div', { class: 'stack' }, f, results);
  box.showError = (m) => f.showError(m);
  return box;
}

function associateForm(post, done) {
  const picker = personPicker(async (p) => {
    try {
      await apiPost(`/social/posts/${encodeURIComponent(post.id)}/associate`, { record_type: p.record_type, record_id: String(p.id) });
      done(`${post.author && post.author.handle ? `@${post.author.handle}` : 'The author'} associated with ${personName(p)}`);
    } catch (e) {
      picker.showError(e.message);
    }
  });
  return picker;
}

export function addPerson(post) {
  let close = () => {};
  const done = (message) => { close(); announce(message); };
  const body = h('div', { class: 'stack' }, quote(post), tabs('Add the author', [
    { id: 'new', label: 'New lead or contact', render: () => newPersonForm(post, done) },
    { id: 'existing', label: 'Existing lead or contact', render: () => associateForm(post, done) },
  ]));
  ({ close } = openDialog('Add the author to the CRM', body, { label: 'add-person' }));
}
