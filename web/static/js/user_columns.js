// Adding a column (SPEC S-4): keyword search (up to 5 terms), custom
// (up to 5 chosen leads/contacts), or My posts. The server owns the limits
// (5 per column, 20 per user, S-4.3); its refusal is shown next to the
// field the user typed in, and nothing is saved.

import { h, field, formError } from './dom.js';
import { post as apiPost } from './api.js';
import { openDialog, announce } from './dialog.js';
import { tabs } from './tabs.js';
import { personPicker, personName } from './add_person.js';

/** Per column, as the server enforces it (S-4.1, S-4.2). */
const MAX_TERMS = 5;
const MAX_PEOPLE = 5;

function parseTerms(text) {
  return text.split(',').map((t) => t.trim()).filter(Boolean);
}

function keywordForm(board, done) {
  const terms = h('input', { autocomplete: 'off', placeholder: 'e.g. acme, "acme support", #acme' });
  const termsField = field('Search terms', terms, `Up to ${MAX_TERMS} terms, separated by commas.`);
  const count = h('p', { class: 'counter' }, `0 of ${MAX_TERMS} terms`);
  const title = h('input', { autocomplete: 'off' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Add keyword column');
  terms.addEventListener('input', () => {
    const n = parseTerms(terms.value).length;
    count.textContent = `${n} of ${MAX_TERMS} terms`;
    count.classList.toggle('over', n > MAX_TERMS);
  });
  const form = h('form', { class: 'stack', dataset: { form: 'keyword' } }, termsField, count,
    field('Column title (optional)', title), error, h('div', { class: 'actions-row' }, save));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const list = parseTerms(terms.value);
    termsField.showError('');
    formError(error, '');
    if (!list.length) { termsField.showError('Enter at least one search term.'); terms.focus(); return; }
    save.disabled = true;
    try {
      const body = { type: 'keyword', terms: list };
      if (title.value.trim()) body.title = title.value.trim();
      const col = await apiPost('/social/columns', body);
      done(col);
    } catch (err) {
      termsField.showError(err.message);
      terms.focus();
    } finally {
      save.disabled = false;
    }
  });
  return form;
}

function customForm(board, done) {
  const chosen = [];
  const chips = h('ul', { class: 'chips', 'aria-label': 'People in this column' });
  const count = h('p', { class: 'counter' });
  const title = h('input', { autocomplete: 'off' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Add custom column');
  const picker = personPicker((p) => {
    if (!chosen.some((c) => c.record_type === p.record_type && String(c.id) === String(p.id))) chosen.push(p);
    render();
  }, { label: 'Search leads and contacts', buttonLabel: 'Follow' });
  function render() {
    chips.replaceChildren(...chosen.map((p, i) => h('li', { class: 'chip' }, personName(p), ' ',
      h('button', { type: 'button', class: 'link', 'aria-label': `Remove ${personName(p)}`, onClick: () => { chosen.splice(i, 1); render(); } }, '×'))));
    count.textContent = `${chosen.length} of ${MAX_PEOPLE} people`;
    count.classList.toggle('over', chosen.length > MAX_PEOPLE);
  }
  render();
  const form = h('form', { class: 'stack', dataset: { form: 'custom' } }, picker, chips, count,
    field('Column title (optional)', title), error, h('div', { class: 'actions-row' }, save));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    formError(error, '');
    picker.showError('');
    if (!chosen.length) { picker.showError('Choose at least one lead or contact.'); return; }
    save.disabled = true;
    try {
      const body = { type: 'custom', people: chosen.map((p) => ({ record_type: p.record_type, record_id: String(p.id) })) };
      body.title = title.value.trim() || chosen.map(personName).join(', ');
      done(await apiPost('/social/columns', body));
    } catch (err) {
      picker.showError(err.message);
    } finally {
      save.disabled = false;
    }
  });
  return form;
}

function myPostsForm(board, done) {
  const has = board.userColumns().some((c) => c.spec.type === 'my_posts');
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const save = h('button', { type: 'submit', class: 'primary', disabled: has }, 'Add My posts');
  const form = h('form', { class: 'stack', dataset: { form: 'my_posts' } },
    h('p', {}, 'The organisation’s own posts on every linked account you see.'),
    has ? h('p', { class: 'hint' }, 'You already have a My posts column.') : null, error, h('div', { class: 'actions-row' }, save));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    save.disabled = true;
    try {
      done(await apiPost('/social/columns', { type: 'my_posts', title: 'My posts' }));
    } catch (err) {
      formError(error, err.message);
      save.disabled = false;
    }
  });
  return form;
}

export function openAddColumn(board) {
  let close = () => {};
  const done = (col) => {
    close();
    board.addUser(col.column || col);
    announce('Column added');
  };
  const body = tabs('Column type', [
    { id: 'keyword', label: 'Keyword', render: () => keywordForm(board, done) },
    { id: 'custom', label: 'Custom', render: () => customForm(board, done) },
    { id: 'my_posts', label: 'My posts', render: () => myPostsForm(board, done) },
  ]);
  ({ close } = openDialog('Add a column', body, { label: 'add-column' }));
}
