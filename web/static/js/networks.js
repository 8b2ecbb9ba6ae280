// What each network can do (SPEC S-1.6, S-5.2, S-5.3) and what the signed-in
// user may do on each linked account (S-1.5): the source of every enabled or
// disabled action button and of its reason.

const MB = 1024 * 1024;

/**
 * Per network: its name, the words it uses, the API actions it has, and its
 * image limit (S-5.2; open networks: their documented limits; the same
 * values the connectors enforce). The server's account answer wins when it
 * carries its own list of operations.
 */
export const NETWORKS = {
  x: {
    name: 'X', reply: 'Reply', repost: 'Retweet', like: 'Like',
    actions: ['reply', 'like', 'retweet', 'message'], imageLimit: 5 * MB, textLimit: 280,
  },
  facebook: {
    name: 'Facebook', reply: 'Comment', repost: 'Share', like: 'Like',
    actions: ['comment', 'like', 'message'], imageLimit: 25 * MB, textLimit: 63206,
  },
  googleplus: {
    name: 'Google+', reply: 'Comment', repost: 'Reshare', like: '+1',
    actions: ['comment'], imageLimit: 36 * MB, textLimit: 100000, sendsImages: false,
  },
  mastodon: {
    name: 'Mastodon', reply: 'Reply', repost: 'Boost', like: 'Favourite',
    actions: ['reply', 'like', 'retweet', 'message'], imageLimit: 16 * MB, textLimit: 500,
  },
  bluesky: {
    name: 'Bluesky', reply: 'Reply', repost: 'Repost', like: 'Like',
    actions: ['reply', 'like', 'retweet'], imageLimit: 2000000, textLimit: 300,
  },
};

export const NETWORK_IDS = Object.keys(NETWORKS);

export function networkName(id) {
  return (NETWORKS[id] && NETWORKS[id].name) || id;
}

/** The profile operation (S-1.5) an API action needs. */
export const OPERATION_OF = {
  reply: 'reply', comment: 'reply', like: 'like', retweet: 'repost', message: 'message', post: 'post',
};

export const OPERATIONS = ['view', 'post', 'reply', 'like', 'repost', 'message'];

export const OPERATION_LABELS = {
  view: 'View', post: 'Post', reply: 'Reply / comment', like: 'Like / favourite',
  repost: 'Retweet / boost', message: 'Message',
};

/** Kinds that are private messages: answered with `message`. */
export const PRIVATE_KINDS = new Set(['dm', 'message']);

export function formatBytes(n) {
  if (n >= MB) return `${(n / MB).toFixed(1).replace(/\.0$/, '')} MB`;
  if (n >= 1000) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}

/** A limit as the network documents it: "5 MB", or "1,000,000 bytes". */
export function formatLimit(n) {
  return n % MB === 0 ? `${n / MB} MB` : `${n.toLocaleString('en')} bytes`;
}

/** The account's label: "@acme on X" or "Acme page on Facebook". */
export function accountLabel(a) {
  if (!a) return 'an account that is no longer linked';
  const who = a.page_name || (a.handle ? `@${String(a.handle).replace(/^@/, '')}` : `account ${a.id}`);
  return `${who} (${networkName(a.network)})`;
}

/** Whether the network has this action, trusting the server when it says. */
export function networkHas(account, network, action) {
  const fromServer = account && Array.isArray(account.network_operations) ? account.network_operations : null;
  if (fromServer) return fromServer.includes(action) || fromServer.includes(OPERATION_OF[action]);
  const n = NETWORKS[network];
  return !!n && (action === 'post' || n.actions.includes(action));
}

function accountUsable(a) {
  return a && (!a.status || a.status === 'active' || a.status === 'linked');
}

/**
 * {allowed, reason} for `action` on `account` by the signed-in user. The
 * reason is shown on the disabled button (title and aria-description).
 */
export function mayAct(account, network, action) {
  const net = networkName(network);
  if (!account) return { allowed: false, reason: 'The account that received this post is no longer linked' };
  if (!networkHas(account, network, action)) {
    const what = { reply: 'replies', comment: 'comments', like: 'likes', retweet: 'reposts', message: 'messages', post: 'posts' }[action];
    return { allowed: false, reason: `${net} does not support ${what} from the API` };
  }
  if (!accountUsable(account))
    return { allowed: false, reason: `${accountLabel(account)} is ${String(account.status).replace(/_/g, ' ')}: an administrator must link it again` };
  const ops = Array.isArray(account.operations) ? account.operations : [];
  const op = OPERATION_OF[action];
  if (!ops.includes(op))
    return { allowed: false, reason: `Your profile may not ${OPERATION_LABELS[op].toLowerCase()} on ${accountLabel(account)}; ask a social administrator` };
  return { allowed: true, reason: '' };
}

/** The actions offered on a post of this network and kind, in button order. */
export function actionsFor(network, kind) {
  if (PRIVATE_KINDS.has(kind)) return ['message'];
  const reply = network === 'facebook' || network === 'googleplus' ? 'comment' : 'reply';
  return [reply, 'like', 'retweet'];
}

export function actionLabel(network, action) {
  const n = NETWORKS[network] || NETWORKS.x;
  return { reply: n.reply, comment: 'Comment', like: n.like, retweet: n.repost, message: 'Answer' }[action] || action;
}
