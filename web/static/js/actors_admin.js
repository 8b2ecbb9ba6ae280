// Settings > Actors (issue 22, S-9.2): every actor of the service with its
// state and figures, filtered like `socialcrm console ls`, live while
// shown (a change of state or an error, from the console's event stream,
// reloads the table at once; the figures are fetched again every few
// seconds), with pause, resume, restart and poll for sources, and the
// audit log of those actions. The REST API is the console's
// (/admin/actors, /admin/actors/events).

import { h, formError } from './dom.js';
import { get, post as apiPost, qs } from './api.js';
import { announce } from './dialog.js';

/** How often the table is fetched again while it is shown: rates and
 * freshness move all the time; states and errors come at once. */
const REFRESH_MS = 5000;
/** A burst of events (a selector paused a hundred sources) reloads once. */
const EVENT_DEBOUNCE_MS = 150;
/** How long a closed event stream waits before it opens again. */
const REOPEN_MS = 5000;
/** Actors shown at once; a filter narrows a larger service. */
const PAGE = 500;

const STATES = ['', 'starting', 'running', 'polling', 'paused', 'backing_off', 'reauth_required', 'stopped', 'failed'];
const KINDS = ['', 'source', 'classifier', 'store', 'hub', 'registry', 'supervisor', 'live_router', 'crm'];
const ACTIONS = [['pause', 'Pause'], ['resume', 'Resume'], ['restart', 'Restart'], ['poll', 'Poll now']];

function freshness(a) {
  if (!a.source) return '';
  const f = a.source.freshness_ms;
  if (f === null || f === undefined) return 'never';
  return f < 10000 ? `${f} ms` : `${Math.round(f / 1000)} s`;
}

// Calls `onChange` for every change of state or error the server reports;
// returns what closes the stream for good.
function watchActors(onChange) {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/admin/actors/events`;
  let ws = null;
  let ended = false;
  const open = () => {
    ws = new WebSocket(url);
    ws.addEventListener('message', (m) => {
      let d = null;
      try { d = JSON.parse(m.data); } catch { return; }
      if (d.type === 'actor_event' && d.event.event !== 'posts') onChange();
    });
    ws.addEventListener('close', () => { if (!ended) setTimeout(open, REOPEN_MS); });
  };
  open();
  return () => { ended = true; ws.close(); };
}

function selectOf(id, label, values) {
  return h('label', { class: 'inline-field' }, `${label} `,
    h('select', { id }, ...values.map((v) => h('option', { value: v }, v || 'any'))));
}

export function actorsTab() {
  const kind = selectOf('actors-kind', 'Kind', KINDS);
  const state = selectOf('actors-state', 'State', STATES);
  const q = h('input', { id: 'actors-q', type: 'search', placeholder: 'source:account:*', 'aria-label': 'Actor id (a glob)' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const summary = h('p', { class: 'muted', role: 'status' });
  const body = h('tbody');
  const table = h('div', { class: 'table-wrap' }, h('table', { class: 'grid', dataset: { table: 'actors' } },
    h('thead', {}, h('tr', {}, ...['Actor', 'Kind', 'State', 'Errors', 'Restarts', 'Posts', 'Freshness', 'Last error', ''].map((t) => h('th', { scope: 'col' }, t)))),
    body));
  const audit = h('ol', { class: 'plain-list', dataset: { list: 'audit' } });
  const box = h('div', { class: 'stack actors-admin' },
    h('div', { class: 'actions-row' }, kind, state, q), summary, error, table,
    h('h2', {}, 'Audit log'), audit);

  async function act(action, a) {
    try {
      await apiPost(`/admin/actors/${encodeURIComponent(a.id)}/${action}`, {});
      announce(`${action} ${a.id}`);
      load();
    } catch (e) {
      formError(error, e.message);
    }
  }

  function row(a) {
    const buttons = a.kind === 'source'
      ? ACTIONS.filter(([action]) => (action === 'pause' ? a.state !== 'paused' : action === 'resume' ? a.state === 'paused' : true))
        .map(([action, label]) => h('button', { type: 'button', class: 'secondary small', onClick: () => act(action, a), 'aria-label': `${label} ${a.id}` }, label))
      : [];
    return h('tr', { dataset: { actor: a.id, state: a.state } },
      h('th', { scope: 'row' }, a.id), h('td', {}, a.kind),
      h('td', { class: `state state-${a.state}` }, a.state),
      h('td', {}, String(a.errors)), h('td', {}, String(a.restarts)),
      h('td', {}, a.source ? String(a.source.posts) : ''),
      h('td', {}, freshness(a)),
      h('td', { class: 'muted' }, a.last_error || ''),
      h('td', {}, ...buttons));
  }

  let busy = false;
  async function load() {
    if (busy) return;
    busy = true;
    try {
      const params = { kind: kind.querySelector('select').value || undefined, state: state.querySelector('select').value || undefined, q: q.value.trim() || undefined, limit: PAGE };
      const page = await get(`/admin/actors${qs(params)}`);
      body.replaceChildren(...page.items.map(row));
      summary.textContent = page.total > page.items.length
        ? `${page.items.length} of ${page.total} actors shown; narrow the filter to see the others`
        : `${page.total} actors`;
      const log = await get('/admin/audit?limit=20');
      audit.replaceChildren(...log.items.map((e) => h('li', { dataset: { action: e.action } },
        `${new Date(e.at).toLocaleString()}: ${e.user.email} ${e.action} ${typeof e.target === 'string' ? e.target : JSON.stringify(e.target)} (${e.result})`)));
      error.hidden = true;
    } catch (e) {
      formError(error, e.message);
    } finally {
      busy = false;
    }
  }

  for (const el of [kind, state]) el.addEventListener('change', load);
  q.addEventListener('input', load);
  load();
  let soon = null;
  const stop = watchActors(() => {
    clearTimeout(soon);
    soon = setTimeout(load, EVENT_DEBOUNCE_MS);
  });
  // Fetched again while shown; a detached table stops asking and watching.
  const timer = setInterval(() => {
    if (!box.isConnected) { clearInterval(timer); stop(); return; }
    if (!document.hidden && box.offsetParent !== null) load();
  }, REFRESH_MS);
  return box;
}
