// X's most used Node client, twitter-api-v2 (pinned in package-lock.json),
// unmodified, against the emulator's X listener over https: every endpoint
// the product uses, the library's paginators and chunked media upload, and
// X's error answers as the library surfaces them. After each write, the
// emulator's published log must show what the library did.

import { TwitterApi, ApiResponseError } from 'twitter-api-v2';
import { run, expect, rejects } from './harness.mjs';

/**
 * Sends the library's requests to the emulator instead of api.x.com.
 *
 * twitter-api-v2 has no base-URL setting (its hosts are constants in
 * globals.js, and the per-call `prefix` option exists only for its raw
 * get/post wrappers, not for methods like `.v2.me()`). What it does offer is
 * plugins (doc/plugins.md, ITwitterApiClientPlugin): `onBeforeRequest` runs
 * "when request is about to be made. Headers/body/query has been prepared",
 * and `computedParams.url` is the URL object the request is then sent to.
 * Moving that URL's origin to the emulator leaves everything the library
 * decides from the real URL (JSON vs. form-data bodies, the path, the query)
 * exactly as it would be against X.
 */
class EmulatorOrigin {
  constructor(origin) {
    this.target = new URL(origin);
  }

  onBeforeRequest({ computedParams }) {
    const url = computedParams.url;
    url.protocol = this.target.protocol;
    url.host = this.target.host; // hostname and port
  }
}

function clientFor(emu, token) {
  return new TwitterApi(token, { plugins: [new EmulatorOrigin(emu.urls.x)] });
}

/** The published entry for `externalId` (or the last one of `action`). */
async function lastPublished(emu, action) {
  const all = (await emu.published('x')).filter((e) => e.action === action);
  expect(all.length > 0, `the emulator recorded no "${action}" on X`, await emu.published('x'));
  return all[all.length - 1];
}

/** A small PNG-sized buffer: the emulator only counts bytes. */
function image(bytes) {
  const b = Buffer.alloc(bytes, 0x42);
  Buffer.from([0x89, 0x50, 0x4e, 0x47]).copy(b); // PNG signature start
  return b;
}

/** Expects an ApiResponseError in X's problem shape. */
function expectProblem(e, status, title, type) {
  expect(e instanceof ApiResponseError, 'the library throws ApiResponseError', e && e.constructor && e.constructor.name);
  expect(e.code === status, `HTTP ${status}`, e.code);
  expect(String(e.headers['content-type']).startsWith('application/problem+json'), 'X sends problems as application/problem+json', e.headers['content-type']);
  expect(e.data && e.data.title === title, `problem title "${title}"`, e.data);
  expect(e.data.type === type, `problem type ${type}`, e.data.type);
  expect(typeof e.data.detail === 'string' && e.data.detail.length > 0, 'problem detail', e.data);
  expect(e.data.status === status, 'problem status', e.data.status);
}

await run('twitter-api-v2 works unmodified against the emulated X over https', async (emu, check) => {
  const orgId = await emu.user('x', 'acme', 'Acme Inc');
  const fanId = await emu.user('x', 'fan', 'A Fan');
  const client = clientFor(emu, await emu.token('x', orgId));
  const mentionId = await emu.post('x', fanId, '@acme where is my socialcrm order?', 'mention', orgId);

  await check('user lookup: me and by username', async () => {
    const me = await client.v2.me({ 'user.fields': ['created_at'] });
    expect(me.data.id === orgId && me.data.username === 'acme' && me.data.name === 'Acme Inc', 'v2.me() is the token\'s user', me.data);
    expect(!Number.isNaN(Date.parse(me.data.created_at)), 'created_at is an ISO time', me.data.created_at);
    const fan = await client.v2.userByUsername('fan');
    expect(fan.data.id === fanId && fan.data.username === 'fan', 'userByUsername finds the fan', fan.data);
    const nobody = await client.v2.userByUsername('nobody_here');
    expect(!nobody.data && nobody.errors?.[0]?.title === 'Not Found Error', 'an unknown username is a Not Found Error entry', nobody);
  });

  await check('mentions timeline with the author expansion and public metrics', async () => {
    const timeline = await client.v2.userMentionTimeline(orgId, {
      expansions: ['author_id'],
      'tweet.fields': ['created_at', 'author_id', 'public_metrics'],
      'user.fields': ['username', 'name'],
    });
    const t = timeline.tweets.find((x) => x.id === mentionId);
    expect(t, 'the mention is in the timeline', timeline.tweets);
    expect(t.author_id === fanId, 'author_id', t);
    expect(timeline.includes.author(t)?.username === 'fan', 'includes.author() resolves the expansion', timeline.includes.users);
    const m = t.public_metrics;
    for (const k of ['retweet_count', 'reply_count', 'like_count', 'quote_count', 'bookmark_count', 'impression_count'])
      expect(Number.isInteger(m?.[k]), `public_metrics.${k}`, m);
    expect(timeline.meta.result_count >= 1 && timeline.meta.newest_id === mentionId, 'meta', timeline.meta);
  });

  await check('recent search', async () => {
    const result = await client.v2.search('socialcrm', { 'tweet.fields': ['author_id'] });
    expect(result.tweets.some((t) => t.id === mentionId), 'search finds the mention', result.tweets);
    const none = await client.v2.search('no-such-term-anywhere');
    expect(none.tweets.length === 0 && none.meta.result_count === 0 && none.done, 'an empty search is an empty, finished page', none.meta);
  });

  let postedId;
  await check('post a tweet', async () => {
    const r = await client.v2.tweet('Hello from twitter-api-v2');
    postedId = r.data.id;
    expect(/^[0-9]{1,19}$/.test(postedId) && r.data.text === 'Hello from twitter-api-v2', 'the created tweet', r.data);
    const p = await lastPublished(emu, 'post');
    expect(p.external_id === postedId && p.text === 'Hello from twitter-api-v2' && p.actor_id === orgId, 'published post', p);
  });

  await check('reply', async () => {
    const r = await client.v2.reply('We are on it!', mentionId);
    const p = await lastPublished(emu, 'reply');
    expect(p.external_id === r.data.id && p.target_id === mentionId && p.text === 'We are on it!', 'published reply', p);
  });

  await check('like', async () => {
    const r = await client.v2.like(orgId, mentionId);
    expect(r.data.liked === true, 'liked', r.data);
    const p = await lastPublished(emu, 'like');
    expect(p.target_id === mentionId && p.actor_id === orgId, 'published like', p);
  });

  await check('retweet', async () => {
    const r = await client.v2.retweet(orgId, mentionId);
    expect(r.data.retweeted === true && r.data.id === mentionId, 'retweeted, with the post id', r.data);
    const p = await lastPublished(emu, 'repost');
    expect(p.target_id === mentionId && p.actor_id === orgId, 'published repost', p);
    const after = await client.v2.singleTweet(mentionId, { 'tweet.fields': ['public_metrics'] });
    expect(after.data.public_metrics.retweet_count === 1 && after.data.public_metrics.like_count === 1, 'the metrics count the like and the retweet', after.data);
  });

  await check('DM send', async () => {
    // The library returns X's body as is: {"data": {dm_conversation_id,
    // dm_event_id}} (its typings omit the "data" level).
    const r = (await client.v2.sendDmToParticipant(fanId, { text: 'Hi, can you DM us the order number?' })).data;
    expect(/^[0-9]+$/.test(r?.dm_event_id) && r.dm_conversation_id === [orgId, fanId].sort().join('-'), 'dm_event_id and the one-to-one conversation id', r);
    const p = await lastPublished(emu, 'message');
    expect(p.external_id === r.dm_event_id && p.target_id === fanId && p.text === 'Hi, can you DM us the order number?', 'published message', p);
    const events = await client.v2.listDmEvents({ 'dm_event.fields': ['sender_id', 'created_at'] });
    expect(events.events.some((e) => e.id === r.dm_event_id && e.sender_id === orgId), 'the DM is listed in dm_events', events.events);
  });

  await check('media upload (v2 chunked: initialize, append, finalize) attached to a tweet', async () => {
    const bytes = image(2500);
    // 1000-byte chunks: three APPENDs, so the emulator must put segments together.
    const mediaId = await client.v2.uploadMedia(bytes, { media_type: 'image/png' }, 1000);
    expect(/^[0-9]{1,19}$/.test(mediaId), 'a media id', mediaId);
    const r = await client.v2.tweet({ text: 'A picture', media: { media_ids: [mediaId] } });
    const p = await lastPublished(emu, 'post');
    expect(p.external_id === r.data.id && p.media_bytes.length === 1 && p.media_bytes[0] === bytes.length, 'published post with the uploaded bytes', p);
  });

  await check('pagination with next_token through the library\'s paginators', async () => {
    const ids = [];
    for (let i = 0; i < 12; i++) ids.push(await emu.post('x', fanId, `@acme page test ${i} paginate`, 'mention', orgId));
    // Mentions: the paginator sends pagination_token.
    const mentions = await client.v2.userMentionTimeline(orgId, { max_results: 5 });
    expect(mentions.tweets.length === 5 && mentions.meta.next_token, 'a first page of 5 with next_token', mentions.meta);
    const seen = new Set();
    for await (const t of mentions) seen.add(t.id);
    for (const id of ids) expect(seen.has(id), `mention ${id} reached through the pages`);
    expect(mentions.done, 'the paginator ends');
    // Recent search: the paginator sends next_token.
    const search = await client.v2.search('paginate', { max_results: 10 });
    expect(search.tweets.length === 10 && search.meta.next_token, 'a first search page of 10 with next_token', search.meta);
    await search.fetchNext();
    expect(search.tweets.length === 12 && new Set(search.tweets.map((t) => t.id)).size === 12, 'the second page adds the last 2, no repeats', search.tweets.map((t) => t.id));
    expect(search.done, 'no next_token after the last page', search.meta);
  });

  await check('a 429 reaches the library as ApiResponseError with rateLimit.reset', async () => {
    // Its own token: a rate_limit fault spends the whole window it hits.
    const limited = clientFor(emu, await emu.token('x', orgId));
    await emu.fault('x', 'rate_limit', { count: 1 });
    const e = await rejects(limited.v2.me(), 'users/me under a rate_limit fault');
    expectProblem(e, 429, 'Too Many Requests', 'about:blank');
    expect(e.rateLimitError, 'rateLimitError is set');
    const now = Math.floor(Date.now() / 1000);
    expect(e.rateLimit && e.rateLimit.remaining === 0 && e.rateLimit.reset > now && e.rateLimit.reset <= now + 15 * 60 + 5,
      'rateLimit: nothing remaining, reset within the 15-minute window (epoch seconds)', e.rateLimit);
  });

  await check('a 5xx reaches the library in X\'s problem shape', async () => {
    await emu.fault('x', 'error_5xx', { count: 1 });
    const e = await rejects(client.v2.me(), 'users/me under an error_5xx fault');
    expect(e.code >= 500 && e.code <= 599, 'a 5xx status', e.code);
    expectProblem(e, e.code, 'Service Unavailable', 'about:blank');
    const again = await client.v2.me();
    expect(again.data.id === orgId, 'the next request succeeds');
  });

  // Last: revoke_token without a user revokes every X token.
  await check('a revoked token reaches the library as a 401 problem', async () => {
    await emu.fault('x', 'revoke_token');
    const e = await rejects(client.v2.me(), 'users/me with a revoked token');
    expectProblem(e, 401, 'Unauthorized', 'about:blank');
    expect(e.isAuthError, 'isAuthError is set');
    expect(e.data.detail === 'Unauthorized', 'detail', e.data);
  });
});
