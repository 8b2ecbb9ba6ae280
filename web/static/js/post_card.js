// One post as an <article>: author, network, time, text, and the actions
// the user may take on it. Forbidden actions stay visible but are marked
// aria-disabled with the reason as tooltip and description, so keyboard
// and screen-reader users learn why too.

import { h, nextId } from './dom.js';
import { icon, networkIcon } from './icons.js';
import { timeEl } from './time.js';
import { app, accountById } from './state.js';
import { actionsFor, actionLabel, mayAct, networkName } from './networks.js';

const KIND_LABELS = {
  mention: 'Mention', dm: 'Direct message', comment: 'Comment', reply: 'Reply',
  message: 'Page message', post: 'Post', repost: 'Repost',
};

export const STANDING_LABELS = {
  customers: 'Customer', negotiation: 'In negotiation', leads: 'Lead/contact', unknown: 'Unknown',
};

const ACTION_ICONS = { reply: 'reply', comment: 'reply', like: 'like', retweet: 'repost', message: 'message' };

/**
 * {allowed, reason} of `action` on `post`: through the account that saw it,
 * or, for a post no account saw (keyword and custom columns), through the
 * first account of its network that may, as the server picks it.
 */
function verdictFor(post, action) {
  if (post.account_id) return mayAct(accountById(post.account_id), post.network, action);
  const candidates = app.accounts.filter((a) => a.network === post.network);
  let first = null;
  for (const a of candidates) {
    const v = mayAct(a, post.network, action);
    if (v.allowed) return v;
    first = first || v;
  }
  return first || { allowed: false, reason: `No ${networkName(post.network)} account is linked to act through` };
}

/** A button that explains itself when the action is not allowed. */
export function actionButton(label, iconName, verdict, onClick, extra = {}) {
  const reasonId = nextId('why');
  const btn = h('button', {
    type: 'button', class: 'action', title: verdict.allowed ? label : verdict.reason, ...extra,
  }, icon(iconName), h('span', { class: 'action-label' }, label));
  if (!verdict.allowed) {
    btn.setAttribute('aria-disabled', 'true');
    btn.setAttribute('aria-describedby', reasonId);
    btn.append(h('span', { class: 'sr-only', id: reasonId }, verdict.reason));
  }
  btn.addEventListener('click', (e) => {
    e.stopPropagation();
    if (btn.getAttribute('aria-disabled') === 'true') return;
    onClick(e);
  });
  return btn;
}

/** The record page of a post's person: #/leads/7 or #/contacts/7. */
export function personHref(person) {
  return `#/${person.record_type === 'contact' ? 'contacts' : 'leads'}/${encodeURIComponent(person.record_id)}`;
}

function authorLine(post, linked) {
  const a = post.author || {};
  const handle = a.handle ? `@${String(a.handle).replace(/^@/, '')}` : '';
  const name = a.name || handle || 'Someone';
  // A known person's name opens their record page in one click.
  const nameEl = linked
    ? h('a', { class: 'author-name author-link', href: personHref(post.person), title: `Open the ${post.person.record_type} record of ${name}`, onClick: (e) => e.stopPropagation() }, h('strong', {}, name))
    : h('strong', { class: 'author-name' }, name);
  return h('span', { class: 'post-author' }, nameEl,
    handle && a.name ? h('span', { class: 'handle' }, ` ${handle}`) : null);
}

/**
 * The card. `ctx`: {columnKind ('crm'|'keyword'|'custom'|'my_posts'|
 * 'detail'|'record'),
 * showStanding, handlers: {act(post, action), add(post), details(post),
 * crm(post, what)}}.
 */
export function renderPost(post, ctx) {
  const titleId = nextId('post');
  const handlers = ctx.handlers;
  const article = h('article', {
    class: `post post-${post.network}`, tabindex: '-1', 'aria-labelledby': titleId,
    dataset: { postId: String(post.id), seq: String(post.seq), network: post.network },
  });
  const head = h('header', { class: 'post-head', id: titleId },
    networkIcon(post.network, networkName(post.network)),
    authorLine(post, !!post.person && ctx.columnKind !== 'record' && ctx.columnKind !== 'keyword'),
    h('span', { class: `kind kind-${post.kind}` }, KIND_LABELS[post.kind] || post.kind),
    timeEl(post.created_at));
  const body = h('p', { class: 'post-text' }, post.text || '');
  const footer = h('footer', { class: 'post-actions' });

  for (const action of actionsFor(post.network, post.kind)) {
    const verdict = verdictFor(post, action);
    footer.append(actionButton(actionLabel(post.network, action), ACTION_ICONS[action], verdict,
      (e) => handlers.act(post, action, e.currentTarget), { dataset: { action } }));
  }
  const known = !!post.person;
  if (!known && ctx.columnKind !== 'my_posts') {
    footer.append(h('button', {
      type: 'button', class: 'action action-add', dataset: { action: 'add' },
      title: 'Add the author as a lead or contact, or associate them with one',
      onClick: (e) => { e.stopPropagation(); handlers.add(post); },
    }, icon('plus'), h('span', { class: 'action-label' }, 'Add')));
  }
  if (known && ctx.columnKind !== 'keyword') {
    if (ctx.columnKind !== 'detail' && ctx.columnKind !== 'record') footer.append(h('button', {
      type: 'button', class: 'action action-details', dataset: { action: 'details' },
      title: 'Details: open the detail view of this person (Enter)',
      onClick: (e) => { e.stopPropagation(); handlers.details(post); },
    }, icon('person'), h('span', { class: 'sr-only' }, 'Details')));
    footer.append(crmMenu(post, handlers));
  }
  article.append(head, body);
  if (ctx.showStanding && post.standing)
    article.append(h('p', { class: `standing-tag standing-${post.standing}` }, STANDING_LABELS[post.standing] || post.standing));
  article.append(footer);
  return article;
}

/** "+ CRM" menu: deal, task, note for the post's person (S-5.5). */
function crmMenu(post, handlers) {
  const menuId = nextId('menu');
  const toggle = h('button', {
    type: 'button', class: 'action', 'aria-haspopup': 'true', 'aria-expanded': 'false',
    'aria-controls': menuId, title: 'Add a deal, task or note to this person',
  }, icon('more'), h('span', { class: 'sr-only' }, 'CRM actions'));
  const item = (label, what) => h('button', {
    type: 'button', role: 'menuitem', dataset: { action: what },
    onClick: (e) => { e.stopPropagation(); close(); handlers.crm(post, what); },
  }, label);
  const menu = h('div', { class: 'menu', role: 'menu', id: menuId, hidden: true },
    item('Add deal', 'deal'), item('Add task', 'task'), item('Add note', 'note'));
  const wrap = h('span', { class: 'menu-wrap' }, toggle, menu);
  function close() {
    menu.hidden = true;
    toggle.setAttribute('aria-expanded', 'false');
  }
  toggle.addEventListener('click', (e) => {
    e.stopPropagation();
    const open = menu.hidden;
    menu.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    if (open) menu.querySelector('button').focus();
  });
  menu.addEventListener('keydown', (e) => {
    const items = [...menu.querySelectorAll('button')];
    const i = items.indexOf(document.activeElement);
    if (e.key === 'Escape') { e.stopPropagation(); close(); toggle.focus(); }
    else if (e.key === 'ArrowDown') { e.preventDefault(); items[(i + 1) % items.length].focus(); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); items[(i - 1 + items.length) % items.length].focus(); }
  });
  wrap.addEventListener('focusout', (e) => { if (!wrap.contains(e.relatedTarget)) close(); });
  return wrap;
}
