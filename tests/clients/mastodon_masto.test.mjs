// Mastodon's client library masto (masto.js, pinned in package-lock.json),
// unmodified, against the emulator's Mastodon at the root of its https
// listener: what the product does on Mastodon (the signed-in account,
// mention notifications, search, posting with an Idempotency-Key,
// favourites, reblogs, direct messages, media) done the way an application
// using the library does it, with the library's own Link-header paginator
// and its own error class for the failures Mastodon answers (a revoked
// token, a 5xx, a spent rate limit). Every write is looked up in the
// emulator's published log.

import { MastoHttpError, createRestAPIClient } from 'masto';
import { expect, rejects, run } from './harness.mjs';

const NET = 'mastodon';
/** Statuses of the paging account: more than two pages of PAGE_SIZE. */
const PAGED_STATUSES = 7;
const PAGE_SIZE = 3;
/** A paginator that has not ended after this many pages is looping. */
const MAX_PAGES = 10;
/** The smallest PNG (one transparent pixel): 67 bytes. */
const PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

/** Mastodon's own error, as masto hands it over: status and {"error": ...}. */
function expectMastodonError(e, status, message) {
  expect(e instanceof MastoHttpError, `a MastoHttpError, not ${e && e.constructor && e.constructor.name}: ${e}`);
  expect(e.statusCode === status, `status ${status}`, e.statusCode);
  expect(e.message === message, `Mastodon's error "${message}"`, e.message);
  expect(e.cause instanceof Response, 'the answer is kept as the cause');
}

await run('Mastodon works through its own client library masto, unmodified, over https', async (emu, check) => {
  const url = emu.urls.mastodon;
  expect(url.startsWith('https://'), 'Mastodon is served over https', url);
  const acme = await emu.user(NET, 'acme', 'Acme Support');
  const fan = await emu.user(NET, 'fan', 'Faye Fan');
  const masto = createRestAPIClient({ url, accessToken: await emu.token(NET, acme) });
  const fanMasto = createRestAPIClient({ url, accessToken: await emu.token(NET, fan) });

  await check('verify credentials: the signed-in account with its source and role', async () => {
    const me = await masto.v1.accounts.verifyCredentials();
    expect(me.id === acme && me.acct === 'acme' && me.displayName === 'Acme Support', 'the account of the token', me);
    expect(me.indexable === true && me.group === false, 'Account.indexable (4.3) and group', me);
    expect(me.source && me.source.privacy === 'public' && me.source.language === null, 'source with no default language (null)', me.source);
    expect(me.source.indexable === true && me.source.followRequestsCount === 0, 'source.indexable (4.3)', me.source);
    expect(me.role && me.role.id === '-99' && me.role.permissions === '65536', 'the everyone role', me.role);
  });

  await check('notifications: mentions, with their status and group key', async () => {
    const mention = await emu.post(NET, fan, '@acme is the pricing page right?', 'mention', acme);
    const list = await masto.v1.notifications.list({ types: ['mention'] });
    const n = list.find((x) => x.status && x.status.id === mention);
    expect(n, 'the mention is notified', list);
    expect(n.type === 'mention' && n.account.id === fan, 'a mention by the fan', n);
    expect(n.groupKey === `ungrouped-${n.id}`, 'mentions are not grouped', n.groupKey);
    expect(list.every((x) => x.type === 'mention'), 'types[] filters', list.map((x) => x.type));
  });

  await check('search: statuses and accounts', async () => {
    const hit = await emu.post(NET, fan, 'Zebracorn pricing question', 'post');
    const found = await masto.v2.search.list({ q: 'zebracorn', type: 'statuses' });
    expect(found.statuses.length === 1 && found.statuses[0].id === hit, 'the one status with the word', found.statuses.map((s) => s.id));
    expect(Array.isArray(found.accounts) && Array.isArray(found.hashtags), 'a Search entity');
    const people = await masto.v2.search.list({ q: 'faye', type: 'accounts' });
    expect(people.accounts.some((a) => a.id === fan), 'the fan by display name', people.accounts);
  });

  await check('statuses create: the same Idempotency-Key twice gives one status', async () => {
    const meta = { requestInit: { headers: { 'Idempotency-Key': 'socialcrm-masto-1' } } };
    const first = await masto.v1.statuses.create({ status: 'Hello from masto', visibility: 'public' }, meta);
    const again = await masto.v1.statuses.create({ status: 'Hello from masto', visibility: 'public' }, meta);
    expect(first.id === again.id, 'one status for one key', [first.id, again.id]);
    expect(first.content === '<p>Hello from masto</p>' && first.account.id === acme, 'the status as posted', first);
    const posts = (await emu.published(NET)).filter((e) => e.action === 'post' && e.external_id === first.id);
    expect(posts.length === 1 && posts[0].text === 'Hello from masto' && posts[0].actor_id === acme, 'published once', posts);
  });

  await check('favourite: the status comes back favourited, its author is notified', async () => {
    const target = await emu.post(NET, fan, 'Favourite me', 'post');
    const s = await masto.v1.statuses.$select(target).favourite();
    expect(s.id === target && s.favourited === true && s.favouritesCount === 1, 'favourited', s);
    const likes = (await emu.published(NET)).filter((e) => e.action === 'like' && e.target_id === target);
    expect(likes.length === 1 && likes[0].actor_id === acme, 'the like is published', likes);
    const notified = await fanMasto.v1.notifications.list({ types: ['favourite'] });
    const n = notified.find((x) => x.status && x.status.id === target);
    expect(n && n.account.id === acme, 'the fan sees the favourite', notified);
    expect(n.groupKey.startsWith(`favourite-${target}-`), 'favourites of one status share a group key', n.groupKey);
  });

  await check('reblog: a status of its own wrapping the original', async () => {
    const target = await emu.post(NET, fan, 'Boost me', 'post');
    const r = await masto.v1.statuses.$select(target).reblog();
    expect(r.id !== target && r.reblog && r.reblog.id === target, 'the reblog wraps the original', r);
    expect(r.account.id === acme && r.reblogged === true && r.pinned === undefined, 'ours, reblogged, not pinnable', r);
    const reposts = (await emu.published(NET)).filter((e) => e.action === 'repost' && e.target_id === target);
    expect(reposts.length === 1 && reposts[0].external_id === r.id, 'the reblog is published', reposts);
  });

  await check('conversations: a direct message and the answer to it', async () => {
    const dm = await emu.post(NET, fan, '@acme can we talk privately?', 'dm', acme);
    const before = await masto.v1.conversations.list();
    const conv = before.find((c) => c.lastStatus && c.lastStatus.id === dm);
    expect(conv && conv.accounts.length === 1 && conv.accounts[0].id === fan && conv.unread === true, 'the fan\'s conversation', before);
    const answer = await masto.v1.statuses.create({ status: '@fan of course', visibility: 'direct', inReplyToId: dm });
    expect(answer.visibility === 'direct' && answer.inReplyToId === dm, 'a direct reply', answer);
    const after = await masto.v1.conversations.list();
    const same = after.find((c) => c.id === conv.id);
    expect(same && same.lastStatus.id === answer.id && same.unread === false, 'the answer is the conversation\'s last status', after);
    const messages = (await emu.published(NET)).filter((e) => e.action === 'message' && e.external_id === answer.id);
    expect(messages.length === 1 && messages[0].target_id === fan, 'the message is published', messages);
  });

  await check('media: upload (the library polls until processed) and a status with it', async () => {
    const file = new Blob([PIXEL_PNG], { type: 'image/png' });
    const media = await masto.v2.media.create({ file, description: 'one pixel' });
    expect(media.type === 'image' && media.url && media.description === 'one pixel', 'a processed image', media);
    const s = await masto.v1.statuses.create({ status: 'With a picture', mediaIds: [media.id] });
    expect(s.mediaAttachments.length === 1 && s.mediaAttachments[0].id === media.id, 'attached', s.mediaAttachments);
    expect(s.mediaAttachments[0].description === 'one pixel', 'with its description', s.mediaAttachments[0]);
    const log = await emu.published(NET);
    const upload = log.find((e) => e.action === 'media' && e.external_id === media.id);
    expect(upload && upload.media_bytes[0] === PIXEL_PNG.length, 'the upload is published with its size', upload);
    const post = log.find((e) => e.action === 'post' && e.external_id === s.id);
    expect(post && post.media_bytes.length === 1 && post.media_bytes[0] === PIXEL_PNG.length, 'the status is published with it', post);
  });

  await check('Link pagination: the paginator walks every page once and ends', async () => {
    const pager = await emu.user(NET, 'pager', 'Paige Pager');
    const ids = [];
    for (let i = 0; i < PAGED_STATUSES; i++) ids.push(await emu.post(NET, pager, `Page me ${i}`, 'post'));
    const pages = [];
    for await (const page of masto.v1.accounts.$select(pager).statuses.list({ limit: PAGE_SIZE })) {
      pages.push(page.map((s) => s.id));
      if (pages.length > MAX_PAGES) throw new Error(`the paginator did not end: ${JSON.stringify(pages)}`);
    }
    const seen = pages.flat();
    expect(pages.length === Math.ceil(PAGED_STATUSES / PAGE_SIZE), `${Math.ceil(PAGED_STATUSES / PAGE_SIZE)} pages`, pages);
    expect(pages.slice(0, -1).every((p) => p.length === PAGE_SIZE), 'full pages before the last', pages);
    expect(new Set(seen).size === seen.length, 'no status twice', pages);
    expect(JSON.stringify(seen) === JSON.stringify([...ids].reverse()), 'every status, newest first', { seen, ids });
  });

  await check('a revoked token: MastoHttpError 401 with Mastodon\'s error', async () => {
    const user = await emu.user(NET, 'revoked', 'Rev Oked');
    const token = await emu.token(NET, user);
    const client = createRestAPIClient({ url, accessToken: token });
    expect((await client.v1.accounts.verifyCredentials()).id === user, 'the token works first');
    await emu.fault(NET, 'revoke_token', { token });
    const e = await rejects(client.v1.accounts.verifyCredentials(), 'verify credentials with a revoked token');
    expectMastodonError(e, 401, 'The access token was revoked');
  });

  await check('a 5xx: MastoHttpError 503 with Mastodon\'s error, then the API answers again', async () => {
    await emu.fault(NET, 'error_5xx', { count: 1 });
    const e = await rejects(masto.v1.accounts.verifyCredentials(), 'verify credentials during a 5xx');
    expectMastodonError(e, 503, 'The page could not be served due to a temporary server failure.');
    expect((await masto.v1.accounts.verifyCredentials()).id === acme, 'the next request succeeds');
  });

  await check('a spent rate limit: MastoHttpError 429 with the rate-limit headers', async () => {
    // Its own token: the fault spends the whole five-minute window of the
    // token it hits.
    const user = await emu.user(NET, 'busy', 'Busy Bee');
    const client = createRestAPIClient({ url, accessToken: await emu.token(NET, user) });
    await emu.fault(NET, 'rate_limit', { count: 1 });
    const e = await rejects(client.v1.notifications.list(), 'notifications with the window spent');
    expectMastodonError(e, 429, 'Too many requests');
    expect(e.cause.headers.get('x-ratelimit-remaining') === '0', 'X-RateLimit-Remaining: 0', e.cause.headers.get('x-ratelimit-remaining'));
    expect(!Number.isNaN(Date.parse(e.cause.headers.get('x-ratelimit-reset'))), 'X-RateLimit-Reset is a time', e.cause.headers.get('x-ratelimit-reset'));
  });
});
