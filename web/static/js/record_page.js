// The detail page of a lead or contact (SPEC S-2, S-6.4): its fields, its
// CRM standing, edit / convert / delete, its social profiles and Social
// interactions, and the related deals, tasks, notes and logged e-mails.

import { h, fill } from './dom.js';
import { get, post as apiPost, del } from './api.js';
import { announce, confirmDialog } from './dialog.js';
import { timeEl } from './time.js';
import { STANDING_LABELS } from './post_card.js';
import { PEOPLE, personName, recordHref, standingOf, openPersonForm, mayUseSocial } from './crm_common.js';
import { profilesSection, interactionsSection } from './record_social.js';
import { dealsSection, tasksSection, notesSection, emailsSection } from './record_related.js';

const ORIGINS = { manual: 'Entered by hand', social: 'Added from the social tab', demo: 'Demo data', import: 'Imported', converted: 'Converted from a lead' };

/** Linked accounts of the organisation, or a reason the list is not shown. */
async function socialState() {
  if (!mayUseSocial()) return { reason: 'Social interactions need the social tab, which your profile does not have.' };
  try {
    const s = await get('/social/status');
    return { linkedAccounts: Number(s.linked_accounts) || 0 };
  } catch (e) {
    return { reason: e.message };
  }
}

function details(record) {
  const row = (label, value) => h('div', { class: 'kv' }, h('dt', {}, label), h('dd', {}, value || '—'));
  const website = record.website
    ? h('a', { href: /^https?:\/\//i.test(record.website) ? record.website : `https://${record.website}`, rel: 'noopener noreferrer', target: '_blank' }, record.website)
    : null;
  return h('section', { class: 'card', 'aria-labelledby': 'fields-title' }, h('h2', { id: 'fields-title' }, 'Details'),
    h('dl', { class: 'kv-list', dataset: { fields: '' } },
      row('First name', record.first_name), row('Last name', record.last_name),
      row('E-mail', record.email ? h('a', { href: `mailto:${record.email}` }, record.email) : null),
      row('Phone', record.phone), row('Company', record.company), row('Website', website),
      row('Origin', ORIGINS[record.origin] || record.origin), row('Created', timeEl(record.created_at))));
}

/**
 * The page. ctx: {live, handlers, cameFromSocial}. Returns {el, dispose}:
 * dispose stops the live list when the page is left.
 */
export function renderRecordPage(route, id, ctx) {
  const kind = PEOPLE[route];
  const ref = { record_type: kind.type, record_id: String(id) };
  const title = h('h1', { id: 'record-title' }, `${kind.title} ${id}`);
  const standing = h('span', { class: 'standing-badge', dataset: { standing: '' } });
  const subtitle = h('p', { class: 'muted record-subtitle' });
  const actions = h('div', { class: 'actions-row record-actions' });
  const main = h('div', { class: 'record-main' });
  const side = h('div', { class: 'record-side' });
  const crumbs = h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' },
    ctx.cameFromSocial ? h('button', { type: 'button', class: 'link back-link', onClick: () => history.back() }, '← Back to the social tab') : null,
    h('a', { href: `#/${kind.route}` }, kind.plural));
  const el = h('section', { class: 'page crm-page record-page', 'aria-labelledby': 'record-title', dataset: { page: 'record', recordType: kind.type, recordId: String(id) } },
    crumbs, h('div', { class: 'page-head' }, h('div', {}, h('div', { class: 'title-row' }, title, standing), subtitle), actions),
    h('div', { class: 'record-grid' }, side, main));
  let social = { dispose() {} };
  let alive = true;

  function showStanding(where) {
    standing.textContent = STANDING_LABELS[where] || where;
    standing.dataset.standing = where;
    standing.className = `standing-badge standing-${where}`;
  }

  async function convert(record) {
    const ok = await confirmDialog('Convert to a contact',
      `Convert ${personName(record)} into a contact? The social profiles, interactions, notes, tasks and e-mails move to the new contact, and the lead is removed.`,
      'Convert to contact', false);
    if (!ok) return;
    // The lead is going away: its interactions list stops listening, or the
    // standing change the conversion publishes would have it ask for the
    // list of a lead that no longer exists (a 404).
    social.dispose();
    try {
      const out = await apiPost(`/leads/${encodeURIComponent(record.id)}/convert`, {});
      announce(`${personName(out.contact)} is now a contact`);
      location.replace(recordHref('contact', out.contact.id));
    } catch (e) {
      announce(e.message, 'error');
      load(); // still a lead: listening again
    }
  }

  async function remove(record) {
    const ok = await confirmDialog(`Delete ${kind.noun}`,
      `Delete ${personName(record)} with their deals, notes, tasks and e-mails? Their posts go back to Unknown in the social tab.`, `Delete ${kind.noun}`);
    if (!ok) return;
    social.dispose(); // as in convert(): the record is going away
    try {
      await del(`${kind.path}/${encodeURIComponent(record.id)}`);
      announce(`${personName(record)} deleted`);
      location.hash = `#/${kind.route}`;
    } catch (e) {
      announce(e.message, 'error');
      load();
    }
  }

  async function load() {
    let record;
    let state;
    try {
      [record, state] = await Promise.all([get(`${kind.path}/${encodeURIComponent(id)}`), socialState()]);
    } catch (e) {
      if (!alive) return;
      title.textContent = e.status === 404 ? `This ${kind.noun} does not exist` : `The ${kind.noun} could not be loaded`;
      main.replaceChildren(h('p', { class: 'form-error', role: 'alert' }, e.message), h('a', { href: `#/${kind.route}` }, `All ${kind.plural.toLowerCase()}`));
      return;
    }
    if (!alive) return;
    const render = (r) => {
      title.textContent = personName(r);
      document.title = `${personName(r)} · socialcrm`;
      subtitle.replaceChildren(`${kind.title}${r.company ? ` at ${r.company}` : ''}`);
      side.replaceChildren(details(r), profiles);
    };
    const profiles = profilesSection(ref, kind, () => social.reload && social.reload());
    render(record);
    fill(actions,
      h('button', { type: 'button', class: 'secondary', onClick: () => openPersonForm(kind, record, (r) => { record = r; render(r); }) }, 'Edit'),
      kind.type === 'lead' ? h('button', { type: 'button', class: 'primary', onClick: () => convert(record) }, 'Convert to contact') : null,
      h('button', { type: 'button', class: 'danger', onClick: () => remove(record) }, 'Delete'));
    social = interactionsSection(ref, kind, { live: ctx.live, handlers: ctx.handlers, ...state, profiles: () => profiles.profiles() });
    const related = { record_type: kind.type, record_id: String(id) };
    fill(main, social.el,
      kind.type === 'contact' ? dealsSection(id, (deals) => showStanding(standingOf('contact', deals))) : null,
      tasksSection(related), notesSection(related), emailsSection(related, record));
    if (kind.type === 'lead') showStanding('leads');
  }

  load();
  return {
    el,
    dispose() {
      alive = false;
      social.dispose();
    },
  };
}
