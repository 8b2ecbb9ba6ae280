// Acting on a post (SPEC S-5.3, S-5.5): reply, comment, answer a message,
// like, repost; add a deal, task or note to the post's person. Every
// refusal of the server is shown where the user typed.

import { h, field, formError } from './dom.js';
import { post as apiPost } from './api.js';
import { openDialog, announce } from './dialog.js';
import { actionLabel, networkName, NETWORKS } from './networks.js';
import { timeEl } from './time.js';
import { networkIcon } from './icons.js';

/** The post being answered, quoted at the top of a dialog. */
export function quote(post) {
  const a = post.author || {};
  return h('blockquote', { class: 'quote' },
    h('p', { class: 'quote-head' }, networkIcon(post.network, networkName(post.network)), ' ',
      h('strong', {}, a.name || a.handle || ''), a.handle ? ` @${String(a.handle).replace(/^@/, '')}` : '', ' · ', timeEl(post.created_at)),
    h('p', {}, post.text || ''));
}

function textAction(post, action) {
  const label = actionLabel(post.network, action);
  const limit = (NETWORKS[post.network] || {}).textLimit || 5000;
  const text = h('textarea', { rows: 4, required: true, maxlength: String(limit) });
  const counter = h('span', { class: 'counter' }, `0 / ${limit}`);
  const textField = field(action === 'message' ? 'Your answer' : `Your ${label.toLowerCase()}`, text);
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const send = h('button', { type: 'submit', class: 'primary' }, `Send ${label.toLowerCase()}`);
  text.addEventListener('input', () => { counter.textContent = `${text.value.length} / ${limit}`; });
  const form = h('form', { class: 'stack' }, quote(post), textField, counter, error,
    h('div', { class: 'actions-row' }, h('span', { class: 'hint' }, 'Ctrl+Enter sends'), send));
  const { close } = openDialog(`${label} on ${networkName(post.network)}`, form, { label: 'act' });
  text.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); }
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!text.value.trim()) { textField.showError('Write something first.'); return; }
    send.disabled = true;
    formError(error, '');
    try {
      await apiPost(`/social/posts/${encodeURIComponent(post.id)}/${action}`, { text: text.value });
      close();
      announce(`${label} sent on ${networkName(post.network)}`);
    } catch (err) {
      formError(error, err.message);
      send.disabled = false;
    }
  });
}

async function oneClick(post, action, button) {
  const label = actionLabel(post.network, action);
  if (button) button.setAttribute('aria-busy', 'true');
  try {
    await apiPost(`/social/posts/${encodeURIComponent(post.id)}/${action}`, {});
    if (button) { button.classList.add('done'); button.setAttribute('aria-pressed', 'true'); }
    announce(`${label}: done on ${networkName(post.network)}`);
  } catch (e) {
    announce(`${label} failed: ${e.message}`, 'error');
  } finally {
    if (button) button.removeAttribute('aria-busy');
  }
}

export function act(post, action, button) {
  if (action === 'like' || action === 'retweet') return oneClick(post, action, button);
  return textAction(post, action);
}

/** Today as yyyy-mm-dd for date inputs. */
function today() {
  const d = new Date();
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
}

/** The forms of deal, task and note; `submit(body)` posts them. */
export function crmForm(what, submit, onDone) {
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const fields = [];
  const inputs = {};
  if (what === 'deal') {
    inputs.name = h('input', { required: true, autocomplete: 'off' });
    inputs.amount = h('input', { type: 'number', min: '0', step: '0.01', value: '0' });
    inputs.stage = h('select', {}, ['open', 'won', 'lost'].map((s) => h('option', { value: s }, s[0].toUpperCase() + s.slice(1))));
    fields.push(field('Deal name', inputs.name), field('Expected revenue', inputs.amount), field('Stage', inputs.stage));
  } else if (what === 'task') {
    inputs.subject = h('input', { required: true, autocomplete: 'off' });
    inputs.due = h('input', { type: 'date', value: today() });
    fields.push(field('Subject', inputs.subject), field('Due', inputs.due));
  } else {
    inputs.body = h('textarea', { rows: 4, required: true });
    fields.push(field('Note', inputs.body));
  }
  const save = h('button', { type: 'submit', class: 'primary' }, `Add ${what}`);
  const form = h('form', { class: 'stack crm-form', dataset: { form: what } }, fields, error, h('div', { class: 'actions-row' }, save));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    let body;
    if (what === 'deal') body = { name: inputs.name.value.trim(), amount: Number(inputs.amount.value || 0), stage: inputs.stage.value };
    else if (what === 'task') {
      body = { subject: inputs.subject.value.trim() };
      if (inputs.due.value) body.due_at = new Date(`${inputs.due.value}T09:00`).getTime();
    } else body = { body: inputs.body.value.trim() };
    save.disabled = true;
    formError(error, '');
    try {
      const out = await submit(body);
      form.reset();
      if (onDone) onDone(out);
    } catch (err) {
      formError(error, err.message);
    } finally {
      save.disabled = false;
    }
  });
  return form;
}

/** "Add deal/task/note" from a post (S-5.5). */
export function crmFromPost(post, what) {
  const name = (post.author && (post.author.name || post.author.handle)) || 'this person';
  let close = () => {};
  const form = crmForm(what, (body) => apiPost(`/social/posts/${encodeURIComponent(post.id)}/${what}`, body), () => {
    close();
    announce(`${what[0].toUpperCase()}${what.slice(1)} added to ${name}`);
  });
  ({ close } = openDialog(`Add a ${what} for ${name}`, form, { label: `crm-${what}` }));
}
