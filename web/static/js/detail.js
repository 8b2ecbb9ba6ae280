// The detail view of a person (SPEC S-6): CRM standing, social overview
// with the opened post and its actions, and the Interactions / Info /
// History tabs. Not offered on keyword columns (S-4.6). It follows the
// person live: a standing change or a new deal re-renders it.

import { h } from './dom.js';
import { get, post as apiPost, patch } from './api.js';
import { openDialog, announce } from './dialog.js';
import { networkIcon } from './icons.js';
import { timeEl } from './time.js';
import { tabs } from './tabs.js';
import { on, samePerson } from './state.js';
import { networkName } from './networks.js';
import { renderPost, STANDING_LABELS, personHref } from './post_card.js';
import { crmForm } from './actions.js';
import { personName } from './add_person.js';

function list(x) {
  if (Array.isArray(x)) return x;
  if (x && Array.isArray(x.items)) return x.items;
  return [];
}

function when(x) {
  return Number(x.created_at || x.sent_at || x.at || 0);
}

/** GET /social/people/{type}/{id}: the panes' data in one answer. */
function normalise(d) {
  const info = d.info || {};
  const interactions = d.interactions || {};
  const history = d.history || {};
  // Social posts and logged e-mails in one list, newest first.
  const all = [...list(interactions.items || interactions), ...list(interactions.emails)].sort((a, b) => when(b) - when(a));
  return {
    standing: d.standing || 'leads',
    record: info.record || d.record || {},
    profiles: list(d.profiles),
    interactions: all,
    open: list(interactions.open).sort((a, b) => when(b) - when(a)),
    deals: list(info.deals),
    notes: list(info.notes),
    tasks: list(info.tasks),
    history: list(history.events || history),
    timeline: list(history.timeline || d.timeline),
    linked: d.linked_accounts !== false,
  };
}

const EVENT_TEXT = {
  lead_created: 'Lead created', contact_created: 'Contact created', deal_created: 'Deal created',
  deal_won: 'Deal won', deal_lost: 'Deal lost', note_added: 'Note added', task_added: 'Task added',
  posted: 'Posted', replied: 'Replied', commented: 'Commented', liked: 'Liked', retweeted: 'Reposted',
  messaged: 'Answered a message', lead_added: 'Added as a lead from the social tab',
  contact_added: 'Added as a contact from the social tab', associated: 'Social profile associated', deal_added: 'Deal added',
};

function interactionItem(it) {
  const open = it.open ? h('span', { class: 'badge badge-open' }, 'Open, unanswered') : null;
  if (it.author) {
    const a = it.author;
    return h('li', { class: `interaction${it.open ? ' open' : ''}` },
      networkIcon(it.network, networkName(it.network)), ' ',
      h('strong', {}, a.name || a.handle || ''), ' ', timeEl(it.created_at), ' ', open,
      h('p', {}, it.text || ''));
  }
  // A logged e-mail.
  return h('li', { class: `interaction email${it.open ? ' open' : ''}` },
    h('span', { class: 'badge' }, it.direction === 'out' ? 'E-mail sent' : 'E-mail received'), ' ',
    h('strong', {}, it.subject || '(no subject)'), ' ', timeEl(it.sent_at || it.created_at), ' ', open,
    it.body ? h('p', {}, it.body) : null);
}

function interactionsTab(v) {
  const box = h('div', { class: 'stack' });
  if (!v.linked) {
    // S-1.7: without a linked account the related list is unavailable.
    box.append(h('p', { class: 'empty' }, 'No social account is linked: social interactions are unavailable.'));
  }
  box.append(h('h3', {}, `Open, unanswered (${v.open.length})`));
  box.append(v.open.length ? h('ul', { class: 'plain-list', dataset: { list: 'open' } }, v.open.map(interactionItem)) : h('p', { class: 'empty' }, 'Nothing waits for an answer.'));
  box.append(h('h3', {}, 'All interactions'));
  box.append(v.interactions.length ? h('ul', { class: 'plain-list', dataset: { list: 'interactions' } }, v.interactions.map(interactionItem)) : h('p', { class: 'empty' }, 'No interactions yet.'));
  return box;
}

function dealRow(d, reload) {
  const stage = h('select', { 'aria-label': `Stage of ${d.name}` },
    ['open', 'won', 'lost'].map((s) => h('option', { value: s, selected: d.stage === s }, s[0].toUpperCase() + s.slice(1))));
  stage.addEventListener('change', async () => {
    stage.disabled = true;
    try {
      await patch(`/deals/${encodeURIComponent(d.id)}`, { stage: stage.value });
      announce(`Deal ${d.name} is now ${stage.value}`);
      reload();
    } catch (e) {
      announce(e.message, 'error');
      stage.value = d.stage;
      stage.disabled = false;
    }
  });
  return h('tr', { dataset: { dealId: String(d.id) } }, h('td', {}, d.name),
    h('td', { class: 'num' }, Number(d.amount || 0).toLocaleString(undefined, { minimumFractionDigits: 2 })),
    h('td', {}, stage), h('td', {}, timeEl(d.created_at)));
}

function infoTab(v, ref, reload) {
  const r = v.record;
  const rows = [['E-mail', r.email], ['Phone', r.phone], ['Website', r.website], ['Company', r.company]]
    .map(([k, val]) => h('div', { class: 'kv' }, h('dt', {}, k), h('dd', {}, val || '—')));
  const box = h('div', { class: 'stack' }, h('dl', { class: 'kv-list' }, rows));
  box.append(h('h3', {}, 'Deals'));
  if (v.deals.length) {
    box.append(h('table', { class: 'table' }, h('thead', {}, h('tr', {}, h('th', {}, 'Deal'), h('th', { class: 'num' }, 'Expected revenue'), h('th', {}, 'Stage'), h('th', {}, 'Created'))),
      h('tbody', {}, v.deals.map((d) => dealRow(d, reload)))));
  } else box.append(h('p', { class: 'empty' }, 'No deals.'));
  const id = String(ref.record_id);
  if (ref.record_type === 'contact') {
    box.append(h('details', { class: 'add-box' }, h('summary', {}, 'Add deal'),
      crmForm('deal', (b) => apiPost('/deals', { ...b, contact_id: id }), () => { announce('Deal added'); reload(); })));
  } else {
    box.append(h('p', { class: 'hint' }, 'Deals belong to contacts: this person is a lead.'));
  }
  box.append(h('h3', {}, 'Tasks'));
  box.append(v.tasks.length ? h('ul', { class: 'plain-list' }, v.tasks.map((t) => h('li', {}, h('strong', {}, t.subject), t.due_at ? [' · due ', timeEl(t.due_at)] : '', ` · ${t.status || 'open'}`))) : h('p', { class: 'empty' }, 'No tasks.'));
  box.append(h('details', { class: 'add-box' }, h('summary', {}, 'Add task'),
    crmForm('task', (b) => apiPost('/tasks', { ...b, record_type: ref.record_type, record_id: id }), () => { announce('Task added'); reload(); })));
  box.append(h('h3', {}, 'Notes'));
  box.append(v.notes.length ? h('ul', { class: 'plain-list' }, v.notes.map((n) => h('li', {}, h('p', {}, n.body), timeEl(n.created_at)))) : h('p', { class: 'empty' }, 'No notes.'));
  box.append(h('details', { class: 'add-box' }, h('summary', {}, 'Add note'),
    crmForm('note', (b) => apiPost('/notes', { ...b, record_type: ref.record_type, record_id: id }), () => { announce('Note added'); reload(); })));
  return box;
}

function historyTab(v, handlers) {
  const box = h('div', { class: 'stack' }, h('h3', {}, 'CRM activity'));
  box.append(v.history.length ? h('ul', { class: 'plain-list history' }, v.history.map((e) => h('li', {},
    timeEl(e.at), ' ', h('strong', {}, EVENT_TEXT[e.event] || String(e.event || '').replace(/_/g, ' ')),
    e.detail ? h('span', { class: 'muted' }, ` · ${e.detail}`) : null)))
    : h('p', { class: 'empty' }, 'No CRM activity yet.'));
  if (v.timeline.length || v.profiles.some((p) => p.network === 'x')) {
    box.append(h('h3', {}, 'Timeline on X'));
    box.append(v.timeline.length ? h('div', { class: 'timeline' }, v.timeline.map((p) => renderPost(p, { columnKind: 'detail', handlers })))
      : h('p', { class: 'empty' }, 'No posts on the timeline yet.'));
  }
  return box;
}

/** Opens the detail view of `post`'s person. */
export function openDetail(post, handlers) {
  const ref = post.person;
  const standingPane = h('section', { class: 'pane pane-standing', 'aria-label': 'CRM standing' });
  const socialPane = h('section', { class: 'pane pane-social', 'aria-label': 'Social overview' });
  const tabPane = h('section', { class: 'pane pane-tabs', 'aria-label': 'Interactions, info and history' });
  const body = h('div', { class: 'detail', dataset: { recordType: ref.record_type, recordId: String(ref.record_id) } }, standingPane, socialPane, tabPane);
  let current = 'interactions';
  let alive = true;

  async function load() {
    let data;
    try {
      data = await get(`/social/people/${encodeURIComponent(ref.record_type)}/${encodeURIComponent(ref.record_id)}`);
    } catch (e) {
      tabPane.replaceChildren(h('p', { class: 'form-error', role: 'alert' }, e.message));
      return;
    }
    if (!alive) return;
    const v = normalise(data);
    const name = personName(v.record);
    standingPane.replaceChildren(h('h3', {}, 'CRM standing'),
      h('p', { class: `standing-big standing-${v.standing}`, dataset: { standing: v.standing } }, STANDING_LABELS[v.standing] || v.standing),
      h('p', { class: 'person-name' }, name),
      h('p', { class: 'muted' }, `${ref.record_type === 'contact' ? 'Contact' : 'Lead'}${v.record.company ? ` at ${v.record.company}` : ''}`),
      h('p', {}, h('a', { href: personHref(ref), class: 'record-link' }, 'Open the record page')));
    // S-2.2: Google+ associations exist but are not shown here.
    const shown = v.profiles.filter((p) => p.shown_on_record !== false && p.network !== 'googleplus');
    socialPane.replaceChildren(h('h3', {}, 'Social profiles'),
      shown.length ? h('ul', { class: 'plain-list profiles' }, shown.map((p) => h('li', {}, networkIcon(p.network, networkName(p.network)), ' ', p.handle ? `@${String(p.handle).replace(/^@/, '')}` : p.user_id)))
        : h('p', { class: 'empty' }, 'No social profile.'),
      h('h3', {}, 'Post'), renderPost(post, { columnKind: 'detail', handlers }));
    const t = tabs('Person', [
      { id: 'interactions', label: 'Interactions', render: () => interactionsTab(v) },
      { id: 'info', label: 'Info', render: () => infoTab(v, ref, load) },
      { id: 'history', label: 'History', render: () => historyTab(v, handlers) },
    ], { selected: current, onSelect: (id) => { current = id; } });
    tabPane.replaceChildren(t);
  }

  const off = on('person-changed', (msg) => { if (alive && samePerson(msg.person, ref)) load(); });
  const title = post.author && (post.author.name || post.author.handle) ? `${post.author.name || `@${post.author.handle}`}` : 'Person';
  openDialog(title, body, { wide: true, label: 'detail', onClose: () => { alive = false; off(); } });
  load();
}
