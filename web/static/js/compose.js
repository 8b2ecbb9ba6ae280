// Compose (SPEC S-5.1, S-5.2): one text and at most one image to any set of
// the accounts the user may post to. The image is checked against every
// chosen network's limit before sending, and the answer is shown per
// account. A retried send reuses its idempotency key, so it never posts
// twice; a new draft gets a new key.

import { h, field, formError } from './dom.js';
import { post as apiPost } from './api.js';
import { openDialog, announce } from './dialog.js';
import { networkIcon } from './icons.js';
import { linkedAccounts } from './state.js';
import { NETWORKS, accountLabel, formatBytes, formatLimit, mayAct, networkName } from './networks.js';

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

function imageLimit(account) {
  return Number(account.max_image_bytes) || (NETWORKS[account.network] || {}).imageLimit || Infinity;
}

function readBase64(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

let open = null;

export function openCompose() {
  if (open) { open.focus(); return; }
  const accounts = linkedAccounts();
  const selected = new Set();
  let key = newKey();
  let image = null; // File

  const text = h('textarea', { rows: 5 });
  const textField = field('Message', text);
  const counter = h('p', { class: 'counter', 'aria-live': 'off' });
  const chips = h('div', { class: 'chips', role: 'group', 'aria-label': 'Post to these accounts' });
  const fileInput = h('input', { type: 'file', accept: 'image/*', class: 'file-input' });
  const imageInfo = h('div', { class: 'image-info', 'aria-live': 'polite' });
  const results = h('ul', { class: 'results', 'aria-live': 'polite', hidden: true });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const send = h('button', { type: 'submit', class: 'primary' }, 'Post');
  const clear = h('button', { type: 'button', class: 'secondary', hidden: true }, 'New post');

  for (const a of accounts) {
    const verdict = mayAct(a, a.network, 'post');
    const chip = h('button', {
      type: 'button', class: 'chip', 'aria-pressed': 'false', dataset: { accountId: String(a.id), network: a.network },
      title: verdict.allowed ? `Post to ${accountLabel(a)} (click to deselect)` : verdict.reason,
    }, networkIcon(a.network, networkName(a.network)), h('span', {}, accountLabel(a)));
    if (verdict.allowed) {
      selected.add(String(a.id));
      chip.setAttribute('aria-pressed', 'true');
    } else {
      chip.setAttribute('aria-disabled', 'true');
      chip.append(h('span', { class: 'sr-only' }, ` — ${verdict.reason}`));
    }
    chip.addEventListener('click', () => {
      if (chip.getAttribute('aria-disabled') === 'true') return;
      const id = String(a.id);
      if (selected.has(id)) selected.delete(id); else selected.add(id);
      chip.setAttribute('aria-pressed', String(selected.has(id)));
      update();
    });
    chips.append(chip);
  }

  function chosen() {
    return accounts.filter((a) => selected.has(String(a.id)));
  }

  function update() {
    const list = chosen();
    const limits = list.map((a) => [(NETWORKS[a.network] || {}).textLimit || Infinity, networkName(a.network)]);
    const strictest = limits.sort((x, y) => x[0] - y[0])[0];
    const n = text.value.length;
    counter.textContent = strictest && strictest[0] !== Infinity ? `${n} / ${strictest[0]} characters (${strictest[1]})` : `${n} characters`;
    counter.classList.toggle('over', !!strictest && n > strictest[0]);
    imageInfo.replaceChildren();
    if (image) {
      imageInfo.append(h('p', {}, h('strong', {}, image.name), ` · ${formatBytes(image.size)} `,
        h('button', { type: 'button', class: 'link', onClick: () => { image = null; fileInput.value = ''; update(); } }, 'Remove image')));
      const checks = h('ul', { class: 'image-checks' });
      for (const a of list) {
        const limit = imageLimit(a);
        const textOnly = (NETWORKS[a.network] || {}).sendsImages === false;
        const over = image.size > limit;
        let text = `${accountLabel(a)}: fits (${networkName(a.network)} takes up to ${formatLimit(limit)})`;
        if (textOnly) text = `${accountLabel(a)}: this server posts text only to ${networkName(a.network)}; it will be refused`;
        else if (over) text = `${accountLabel(a)}: ${formatBytes(image.size)} is over ${networkName(a.network)}'s ${formatLimit(limit)} limit; it will be refused`;
        checks.append(h('li', { class: over || textOnly ? 'bad' : 'ok', dataset: { accountId: String(a.id) } },
          networkIcon(a.network, networkName(a.network)), ' ', text));
      }
      imageInfo.append(checks);
    }
    send.disabled = list.length === 0 || (!text.value.trim() && !image);
    send.textContent = list.length > 1 ? `Post to ${list.length} accounts` : 'Post';
  }

  fileInput.addEventListener('change', () => {
    image = fileInput.files && fileInput.files[0] ? fileInput.files[0] : null;
    update();
  });
  text.addEventListener('input', update);

  const form = h('form', { class: 'stack compose', dataset: { form: 'compose' } },
    textField, counter,
    h('fieldset', {}, h('legend', {}, 'Accounts'), accounts.length ? chips : h('p', { class: 'empty' }, 'No account is linked.')),
    h('div', { class: 'field' }, h('label', { class: 'file-label' }, 'Image (one per post) ', fileInput), imageInfo),
    error, results,
    h('div', { class: 'actions-row' }, h('span', { class: 'hint' }, 'Ctrl+Enter posts'), clear, send));

  text.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); }
  });
  clear.addEventListener('click', () => {
    text.value = ''; image = null; fileInput.value = ''; key = newKey();
    results.hidden = true; results.replaceChildren(); clear.hidden = true;
    for (const chip of chips.querySelectorAll('.chip:not([aria-disabled=true])')) {
      selected.add(chip.dataset.accountId); chip.setAttribute('aria-pressed', 'true');
    }
    update(); text.focus();
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const list = chosen();
    if (!list.length) return;
    send.disabled = true;
    formError(error, '');
    const body = { text: text.value, accounts: list.map((a) => String(a.id)) };
    try {
      if (image) body.image = { data: await readBase64(image), type: image.type || 'application/octet-stream' };
      const out = await apiPost('/social/posts', body, { headers: { 'Idempotency-Key': key } });
      showResults(out && out.results ? out.results : []);
    } catch (err) {
      // Nothing was posted: the answer still says why, per account.
      if (err.body && Array.isArray(err.body.results) && err.body.results.length) showResults(err.body.results);
      else formError(error, err.message);
    } finally {
      update();
    }
  });

  function showResults(items) {
    results.replaceChildren();
    let posted = 0;
    for (const r of items) {
      const a = accounts.find((x) => String(x.id) === String(r.account_id));
      const label = a ? accountLabel(a) : `${networkName(r.network)} account ${r.account_id}`;
      const ok = !r.error && (r.status === 'posted' || r.status === 'ok' || r.status === 'sent' || !!r.external_id);
      const reason = r.error ? (r.error.message || r.error.code || String(r.error)) : r.status;
      if (ok) {
        posted++;
        selected.delete(String(r.account_id));
        const chip = chips.querySelector(`[data-account-id="${CSS.escape(String(r.account_id))}"]`);
        if (chip) chip.setAttribute('aria-pressed', 'false');
      }
      results.append(h('li', { class: ok ? 'ok' : 'bad', dataset: { accountId: String(r.account_id), status: ok ? 'posted' : 'refused' } },
        networkIcon(r.network || (a && a.network), networkName(r.network || (a && a.network))), ' ',
        ok ? `Posted on ${label}` : `Not posted on ${label}: ${reason}`));
    }
    results.hidden = false;
    clear.hidden = false;
    // The draft stays for the refused accounts; a new send is a new post.
    key = newKey();
    announce(`${posted} of ${items.length} accounts posted`, posted === items.length ? 'info' : 'error');
  }

  update();
  const dlg = openDialog('New post', form, { wide: true, label: 'compose', onClose: () => { open = null; } });
  open = { focus: () => text.focus(), close: dlg.close };
  text.focus();
}
