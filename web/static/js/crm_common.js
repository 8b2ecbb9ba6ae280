// What the CRM record pages share (SPEC S-2.1): the two person kinds,
// names, money, the standing a contact's deals give (S-3.1–S-3.3), and the
// create/edit form of a lead or contact, which shows the API's refusals
// next to the field they name.

import { h, field, formError } from './dom.js';
import { post as apiPost, patch } from './api.js';
import { openDialog, announce } from './dialog.js';
import { app } from './state.js';

export const PEOPLE = {
  leads: { route: 'leads', type: 'lead', noun: 'lead', title: 'Lead', plural: 'Leads', path: '/leads' },
  contacts: { route: 'contacts', type: 'contact', noun: 'contact', title: 'Contact', plural: 'Contacts', path: '/contacts' },
};

export function kindOfType(type) {
  return type === 'contact' ? PEOPLE.contacts : PEOPLE.leads;
}

export function personName(p) {
  return [p.first_name, p.last_name].filter(Boolean).join(' ') || `#${p.id}`;
}

export function recordHref(type, id) {
  return `#/${kindOfType(type).route}/${encodeURIComponent(id)}`;
}

export const STAGES = [['open', 'Open'], ['won', 'Won'], ['lost', 'Lost']];

const money = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
export function formatMoney(n) {
  return money.format(Number(n || 0));
}

/** The CRM standing of a person from their deals (S-3.1 to S-3.3). */
export function standingOf(type, deals) {
  if (type !== 'contact') return 'leads';
  if (deals.some((d) => d.stage === 'open')) return 'negotiation';
  if (deals.some((d) => d.stage === 'won')) return 'customers';
  return 'leads';
}

/** Whether the signed-in user may associate social profiles (S-2.3, S-8.2). */
export function mayLinkProfiles() {
  const p = (app.session && app.session.profile) || {};
  const edition = app.session && app.session.edition;
  return !!(p.social_tab && p.social_profile_link) && (edition === 'professional' || edition === 'enterprise');
}

/** Whether the user may see social data at all (S-8.3, S-8.5). */
export function mayUseSocial() {
  const p = (app.session && app.session.profile) || {};
  const edition = app.session && app.session.edition;
  return p.social_tab !== false && (edition === 'professional' || edition === 'enterprise');
}

/**
 * Shows an API refusal by the field it names ("'last_name' must not be
 * empty"), else at the form's foot. `fields` maps API names to field()
 * wrappers.
 */
export function showApiError(err, fields, box) {
  const named = Object.keys(fields).find((k) => err.message.includes(`'${k}'`));
  if (named) {
    fields[named].showError(err.message);
    const input = fields[named].querySelector('input, select, textarea');
    if (input) input.focus();
  } else formError(box, err.message);
}

const PERSON_FIELDS = [
  ['first_name', 'First name', 'text', 'given-name'],
  ['last_name', 'Last name', 'text', 'family-name'],
  ['email', 'E-mail', 'email', 'email'],
  ['phone', 'Phone', 'tel', 'tel'],
  ['company', 'Company', 'text', 'organization'],
  ['website', 'Website', 'url', 'url'],
];

/**
 * The create (record null) or edit form of a lead or contact, in a
 * dialog. The server validates: what it refuses is shown by the field.
 * `done(record)` gets the saved record.
 */
export function openPersonForm(kind, record, done) {
  const inputs = {};
  const fields = {};
  for (const [key, label, type, auto] of PERSON_FIELDS) {
    inputs[key] = h('input', { type, name: key, autocomplete: auto, value: record ? record[key] || '' : '' });
    fields[key] = field(label, inputs[key], key === 'last_name' ? 'Required' : undefined);
  }
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const save = h('button', { type: 'submit', class: 'primary' }, record ? 'Save changes' : `Create ${kind.noun}`);
  // No browser validation: the API's own messages are shown instead.
  const form = h('form', { class: 'stack', novalidate: true, dataset: { form: 'person' } },
    h('div', { class: 'grid-2' }, Object.values(fields)), error, h('div', { class: 'actions-row' }, save));
  const { close } = openDialog(record ? `Edit ${personName(record)}` : `New ${kind.noun}`, form, { label: 'person-form' });
  inputs.first_name.focus();
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    for (const f of Object.values(fields)) f.showError('');
    formError(error, '');
    const body = {};
    for (const [key] of PERSON_FIELDS) {
      const value = inputs[key].value.trim();
      // A new record sends what was typed (the last name always, so an
      // empty one is refused by name); an edit sends what changed.
      if (record ? value !== (record[key] || '') : value !== '' || key === 'last_name') body[key] = value;
    }
    if (record && !Object.keys(body).length) { close(); return; }
    save.disabled = true;
    try {
      const out = record
        ? await patch(`${kind.path}/${encodeURIComponent(record.id)}`, body)
        : await apiPost(kind.path, body);
      close();
      announce(record ? `${personName(out)} saved` : `${kind.title} ${personName(out)} created`);
      done(out);
    } catch (err) {
      showApiError(err, fields, error);
      save.disabled = false;
    }
  });
}
