// The user's own activity in the social tab (SPEC S-7.1): statuses
// posted, replies, comments, people added, messages answered.

import { h } from './dom.js';
import { get, qs } from './api.js';
import { networkIcon } from './icons.js';
import { timeEl } from './time.js';
import { networkName } from './networks.js';

const VERBS = {
  posted: 'Posted', replied: 'Replied', commented: 'Commented', liked: 'Liked', retweeted: 'Reposted',
  messaged: 'Answered a message', lead_added: 'Added a lead', contact_added: 'Added a contact',
  associated: 'Associated a profile', deal_added: 'Added a deal', task_added: 'Added a task', note_added: 'Added a note',
};

function describe(e) {
  const verb = VERBS[e.action] || String(e.action || 'Action').replace(/_/g, ' ');
  const what = e.summary || e.text || e.detail || '';
  return { verb, what };
}

export function renderActivity() {
  const listEl = h('ol', { class: 'activity-list' });
  const status = h('p', { class: 'muted', role: 'status' }, 'Loading…');
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Load older');
  let before = null;

  async function load(next) {
    more.disabled = true;
    try {
      const page = await get(`/social/activity${qs({ before: next, limit: 50 })}`);
      const items = (page && page.items) || [];
      for (const e of items) {
        const { verb, what } = describe(e);
        listEl.append(h('li', { class: 'activity-item', dataset: { action: e.action || e.kind || '' } },
          e.network ? networkIcon(e.network, networkName(e.network)) : null,
          h('span', { class: 'activity-verb' }, verb),
          what ? h('span', { class: 'activity-what' }, what) : null,
          e.error ? h('span', { class: 'badge badge-bad' }, e.error.message || e.error) : null,
          timeEl(e.at || e.created_at)));
      }
      before = page && (page.next_before ?? page.next_offset ?? null);
      more.hidden = before === null || before === undefined;
      status.textContent = listEl.children.length ? '' : 'Nothing yet: what you post, answer or add from the social tab appears here.';
    } catch (e) {
      status.textContent = e.message;
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener('click', () => load(before));
  load();
  return h('section', { class: 'page', 'aria-labelledby': 'activity-title' },
    h('h1', { id: 'activity-title' }, 'Activity history'), status, listEl, more);
}
