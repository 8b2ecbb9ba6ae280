// Bluesky's own client library, @atproto/api (pinned in package-lock.json),
// unmodified, against the emulator's Bluesky at the root of its https
// listener: what the product does on Bluesky (sign in with an app password,
// keep the session fresh, read notifications, search, author feeds and
// profiles, post, reply, like, repost, upload images), done the way an
// application using the library does it. The library checks every answer
// against its bundled lexicons, so a shape the real PDS would not send
// fails here as XRPCInvalidResponseError. Every write is looked up in the
// emulator's published log.

import { AtpAgent, RichText, XRPCError } from '@atproto/api';
import { expect, rejects, run } from './harness.mjs';

const APP_PASSWORD = 'abcd-efgh-ijkl-mnop';
/** Access JWTs live two hours on the PDS (and on the emulator's clock). */
const ACCESS_JWT_LIFETIME_S = 2 * 60 * 60;
/** The PDS's global rate-limit window: five minutes. */
const GLOBAL_WINDOW_S = 5 * 60;

async function lastPublished(emu) {
  const all = await emu.published('bluesky');
  expect(all.length > 0, 'the emulator recorded a write');
  return all[all.length - 1];
}

/** A reply as another user writes it (the control API's `in_reply_to`). */
async function reply(emu, authorId, text, parentUri) {
  const r = await emu.control('/posts', { network: 'bluesky', author_id: authorId, text, kind: 'reply', in_reply_to: parentUri });
  return r.external_id;
}

async function advanceClock(emu, seconds) {
  await emu.control('/clock', { advance_s: seconds });
}

/** An XRPCError straight from an error answer (not a failed validation). */
function expectXrpcError(e, status, name, message) {
  expect(e instanceof XRPCError, `an XRPCError, not ${e && e.constructor && e.constructor.name}: ${e}`);
  expect(e.status === status, `status ${status}`, e.status);
  expect(e.error === name, `error "${name}"`, e.error);
  if (message !== undefined) expect(e.message === message, `message "${message}"`, e.message);
}

await run('Bluesky works through its own client library @atproto/api, unmodified, over https', async (emu, check) => {
  const service = emu.urls.bluesky;
  expect(service.startsWith('https://'), 'Bluesky is served over https', service);
  const acme = await emu.user('bluesky', 'acme', 'Acme Inc', APP_PASSWORD);
  const fan = await emu.user('bluesky', 'fan', 'Faye Fan');
  const fanPosts = [];
  for (let i = 0; i < 3; i++) fanPosts.push(await emu.post('bluesky', fan, `Pricing thoughts ${i}`, 'post'));

  // Every session change the library reports, as an application persists it.
  const sessionEvents = [];
  // Which methods the library called, in order, with their status.
  const calls = [];
  const recordingFetch = async (input, init) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? String(input) : input.url);
    const res = await fetch(input, init);
    calls.push({ nsid: url.pathname.replace('/xrpc/', ''), status: res.status });
    return res;
  };
  const agent = new AtpAgent({
    service,
    fetch: recordingFetch,
    persistSession: (event) => sessionEvents.push(event),
  });
  let ownPost = null;

  await check('login with an app password', async () => {
    const res = await agent.login({ identifier: 'acme.bsky.social', password: APP_PASSWORD });
    expect(res.success, 'createSession succeeded');
    expect(agent.session.did === acme, 'the session is the account (its DID)', agent.session.did);
    expect(agent.session.handle === 'acme.bsky.social', 'the session names the handle', agent.session.handle);
    expect(agent.session.accessJwt.split('.').length === 3, 'the access token is a JWT');
    expect(agent.session.active === true, 'the account is active');
    expect(sessionEvents.includes('create'), 'the library reported a new session', sessionEvents);
    const me = await agent.com.atproto.server.getSession();
    expect(me.data.did === acme && me.data.handle === 'acme.bsky.social', 'getSession names the account', me.data);

    const wrong = new AtpAgent({ service });
    const e = await rejects(wrong.login({ identifier: 'acme.bsky.social', password: 'wrong' }), 'login with a wrong password');
    expectXrpcError(e, 401, 'AuthenticationRequired', 'Invalid identifier or password');
    expect(!wrong.hasSession, 'no session after a refused login');
  });

  await check('the library refreshes an expired session by itself', async () => {
    const before = { ...agent.session };
    await advanceClock(emu, ACCESS_JWT_LIFETIME_S + 1);
    calls.length = 0;
    const profile = await agent.getProfile({ actor: 'fan.bsky.social' });
    expect(profile.data.did === fan, 'the call succeeded after the refresh', profile.data);
    const seen = calls.map((c) => `${c.nsid} ${c.status}`);
    expect(seen[0] === 'app.bsky.actor.getProfile 400', 'the expired token was refused first', seen);
    expect(seen.includes('com.atproto.server.refreshSession 200'), 'the library called refreshSession', seen);
    expect(seen[seen.length - 1] === 'app.bsky.actor.getProfile 200', 'and retried the call', seen);
    expect(agent.session.accessJwt !== before.accessJwt, 'a new access JWT');
    expect(agent.session.refreshJwt !== before.refreshJwt, 'a new refresh JWT (the PDS rotates them)');
    expect(agent.session.did === acme, 'the same account');
    expect(sessionEvents.includes('update'), 'the library reported the updated session', sessionEvents);
    // Within the PDS's grace period the used refresh JWT answers again,
    // with the refresh JWT the library now holds.
    const reused = await fetch(`${service}/xrpc/com.atproto.server.refreshSession`, {
      method: 'POST', headers: { authorization: `Bearer ${before.refreshJwt}` },
    });
    expect(reused.status === 200, 'a just-used refresh JWT still refreshes', reused.status);
    expect((await reused.json()).refreshJwt === agent.session.refreshJwt, 'answering the same next refresh JWT');
  });

  await check('resumeSession restores a persisted session through refreshSession', async () => {
    const saved = { ...agent.session };
    const resumed = new AtpAgent({ service });
    const res = await resumed.resumeSession(saved);
    expect(res.success, 'resumeSession succeeded');
    expect(resumed.session.did === acme && resumed.session.handle === 'acme.bsky.social', 'the same account', resumed.session);
    expect(resumed.session.refreshJwt !== saved.refreshJwt, 'a rotated refresh JWT');
    // The session the first agent held is now spent; it signs in again.
    await agent.login({ identifier: acme, password: APP_PASSWORD });
    expect(agent.session.did === acme, 'signing in with the DID as identifier works too');
  });

  await check('listNotifications gives mentions and replies', async () => {
    const post = await agent.post({ text: 'Launch day' });
    ownPost = post;
    const mention = await emu.post('bluesky', fan, '@acme how much is it?', 'mention', acme);
    const answer = await reply(emu, fan, 'congrats!', post.uri);
    const all = await agent.listNotifications({ limit: 10 });
    const byUri = new Map(all.data.notifications.map((n) => [n.uri, n]));
    expect(byUri.get(mention)?.reason === 'mention', 'the mention is a notification with reason mention', all.data);
    expect(byUri.get(mention).author.did === fan, 'from the fan');
    expect(byUri.get(mention).record.text === '@acme.bsky.social how much is it?', 'the mention names the Bluesky handle', byUri.get(mention).record);
    expect(byUri.get(answer)?.reason === 'reply', 'the reply is a notification with reason reply');
    expect(byUri.get(answer).reasonSubject === post.uri, 'about our post');
    expect(byUri.get(answer).record.reply.parent.uri === post.uri, 'whose record replies to our post');
    const mentionsOnly = await agent.listNotifications({ reasons: ['mention'] });
    expect(mentionsOnly.data.notifications.length === 1 && mentionsOnly.data.notifications[0].uri === mention, 'reasons filters', mentionsOnly.data);
    const page1 = await agent.listNotifications({ limit: 1 });
    expect(page1.data.notifications.length === 1 && page1.data.cursor, 'a page of one with a cursor', page1.data);
    const page2 = await agent.listNotifications({ limit: 1, cursor: page1.data.cursor });
    expect(page2.data.notifications[0].uri !== page1.data.notifications[0].uri, 'the cursor pages on');
  });

  await check('searchPosts finds posts and pages with a cursor', async () => {
    const first = await agent.app.bsky.feed.searchPosts({ q: 'pricing', sort: 'latest', limit: 2 });
    expect(first.data.posts.length === 2, 'two hits on the first page', first.data);
    expect(first.data.posts[0].uri === fanPosts[2], 'newest first');
    expect(first.data.posts[0].record.text === 'Pricing thoughts 2', 'with the post record');
    expect(first.data.posts[0].author.handle === 'fan.bsky.social', 'and its author');
    expect(typeof first.data.cursor === 'string', 'a cursor for the rest', first.data);
    const rest = await agent.app.bsky.feed.searchPosts({ q: 'pricing', limit: 2, cursor: first.data.cursor });
    expect(rest.data.posts.length === 1 && rest.data.posts[0].uri === fanPosts[0], 'the last hit on the second page', rest.data);
    expect(rest.data.cursor === undefined, 'and no cursor after it');
    const byAuthor = await agent.app.bsky.feed.searchPosts({ q: 'pricing', author: 'acme.bsky.social' });
    expect(byAuthor.data.posts.length === 0, 'author filters', byAuthor.data);
  });

  await check('getAuthorFeed lists an author\'s posts with their threads', async () => {
    const feed = await agent.getAuthorFeed({ actor: 'fan.bsky.social', limit: 2 });
    expect(feed.data.feed.length === 2, 'a page of two', feed.data);
    expect(feed.data.feed[0].post.author.did === fan, 'by the author');
    const all = await agent.getAuthorFeed({ actor: fan, limit: 100 });
    const replyEntry = all.data.feed.find((f) => f.post.record.text === 'congrats!');
    expect(replyEntry, 'the reply is in the author feed', all.data.feed.map((f) => f.post.record.text));
    expect(replyEntry.reply.parent.uri === ownPost.uri, 'with its parent', replyEntry.reply);
    expect(replyEntry.reply.root.uri === ownPost.uri, 'and its root');
    const e = await rejects(agent.getAuthorFeed({ actor: 'nobody.bsky.social' }), 'an unknown actor');
    expectXrpcError(e, 400, 'InvalidRequest', 'Profile not found');
  });

  await check('getProfile describes an account', async () => {
    const p = await agent.getProfile({ actor: 'fan.bsky.social' });
    expect(p.data.did === fan, 'the DID', p.data);
    expect(p.data.handle === 'fan.bsky.social', 'the handle');
    expect(p.data.displayName === 'Faye Fan', 'the display name');
    expect(p.data.postsCount === 5, 'the post count (three posts, a mention and a reply)', p.data.postsCount);
    const byDid = await agent.getProfile({ actor: acme });
    expect(byDid.data.handle === 'acme.bsky.social', 'by DID too');
  });

  await check('post (with a mention facet) is published', async () => {
    const rt = new RichText({ text: 'Thanks @fan.bsky.social for the feedback!' });
    await rt.detectFacets(agent);
    expect(rt.facets?.[0]?.features?.[0]?.did === fan, 'the library resolved the mentioned handle to a DID', rt.facets);
    const res = await agent.post({ text: rt.text, facets: rt.facets });
    expect(res.uri.startsWith(`at://${acme}/app.bsky.feed.post/`), 'an at:// URI in our repo', res.uri);
    expect(res.cid.startsWith('bafyrei'), 'a dag-cbor CID', res.cid);
    const last = await lastPublished(emu);
    expect(last.action === 'post' && last.external_id === res.uri, 'the emulator saw the post', last);
    expect(last.actor_id === acme && last.text === rt.text, 'with its author and text', last);
    const read = await agent.getPosts({ uris: [res.uri] });
    expect(read.data.posts[0].record.facets[0].features[0].did === fan, 'the record keeps its facets', read.data.posts[0].record);
    const fanAgent = new AtpAgent({ service });
    await fanAgent.login({ identifier: 'fan.bsky.social', password: 'pw' });
    const theirs = await fanAgent.listNotifications({ reasons: ['mention'] });
    expect(theirs.data.notifications.some((n) => n.uri === res.uri && n.author.did === acme), 'the mentioned account is notified', theirs.data);
  });

  await check('reply names its parent and root', async () => {
    const parent = (await agent.getPosts({ uris: [fanPosts[1]] })).data.posts[0];
    const ref = { uri: parent.uri, cid: parent.cid };
    const res = await agent.post({ text: 'We are on it', reply: { root: ref, parent: ref } });
    const last = await lastPublished(emu);
    expect(last.action === 'reply' && last.external_id === res.uri, 'the emulator saw a reply', last);
    expect(last.target_id === parent.uri, 'to the parent post', last);
  });

  await check('like is published', async () => {
    const target = (await agent.getPosts({ uris: [fanPosts[0]] })).data.posts[0];
    const res = await agent.like(target.uri, target.cid);
    expect(res.uri.startsWith(`at://${acme}/app.bsky.feed.like/`), 'a like record URI', res.uri);
    const last = await lastPublished(emu);
    expect(last.action === 'like' && last.external_id === res.uri, 'the emulator saw the like', last);
    expect(last.target_id === target.uri && last.actor_id === acme, 'of the post, by us', last);
    const after = (await agent.getPosts({ uris: [target.uri] })).data.posts[0];
    expect(after.likeCount === 1 && after.viewer.like === res.uri, 'the post view counts it and names our like', after);
  });

  await check('repost is published', async () => {
    const target = (await agent.getPosts({ uris: [fanPosts[0]] })).data.posts[0];
    const res = await agent.repost(target.uri, target.cid);
    expect(res.uri.startsWith(`at://${acme}/app.bsky.feed.repost/`), 'a repost record URI', res.uri);
    const last = await lastPublished(emu);
    expect(last.action === 'repost' && last.external_id === res.uri, 'the emulator saw the repost', last);
    expect(last.target_id === target.uri, 'of the post', last);
    const after = (await agent.getPosts({ uris: [target.uri] })).data.posts[0];
    expect(after.repostCount === 1 && after.viewer.repost === res.uri, 'the post view counts it', after);
  });

  await check('uploadBlob, and a post embedding the image', async () => {
    const png = new Uint8Array(3000).fill(7);
    const up = await agent.uploadBlob(png, { encoding: 'image/png' });
    const blob = up.data.blob;
    expect(blob.mimeType === 'image/png' && blob.size === 3000, 'a blob ref with type and size', blob);
    expect(blob.ref.toString().startsWith('bafkrei'), 'naming a raw CID', String(blob.ref));
    const media = await lastPublished(emu);
    expect(media.action === 'media' && media.external_id === blob.ref.toString(), 'the emulator saw the upload', media);
    expect(JSON.stringify(media.media_bytes) === '[3000]', 'of 3000 bytes', media);
    const res = await agent.post({
      text: 'Our new office',
      embed: { $type: 'app.bsky.embed.images', images: [{ alt: 'the office', image: blob }] },
    });
    const last = await lastPublished(emu);
    expect(last.action === 'post' && last.external_id === res.uri, 'the emulator saw the post', last);
    expect(JSON.stringify(last.media_bytes) === '[3000]', 'with the image', last);
    const view = (await agent.getPosts({ uris: [res.uri] })).data.posts[0];
    expect(view.embed?.$type === 'app.bsky.embed.images#view' && view.embed.images.length === 1, 'the post view shows the image', view.embed);
    expect(view.record.embed.images[0].image.ref.toString() === blob.ref.toString(), 'the record keeps the blob ref');
  });

  await check('a revoked token reaches the library as XRPCError ExpiredToken', async () => {
    await emu.user('bluesky', 'gone', 'Gone Ltd', APP_PASSWORD);
    const events = [];
    const victim = new AtpAgent({ service, persistSession: (event) => events.push(event) });
    const session = await victim.login({ identifier: 'gone.bsky.social', password: APP_PASSWORD });
    await emu.fault('bluesky', 'revoke_token', { user_id: session.data.did });
    const e = await rejects(victim.getProfile({ actor: 'fan.bsky.social' }), 'a call with a revoked token');
    expectXrpcError(e, 400, 'ExpiredToken', 'Token has been revoked');
    // The library tried refreshSession, was refused, and dropped the session.
    expect(!victim.hasSession, 'the library dropped the dead session');
    expect(events.includes('expired'), 'and reported it expired', events);
  });

  await check('a 5xx reaches the library as XRPCError InternalServerError', async () => {
    await emu.fault('bluesky', 'error_5xx', { count: 1 });
    const e = await rejects(agent.getProfile({ actor: 'fan.bsky.social' }), 'a call answered 500');
    expectXrpcError(e, 500, 'InternalServerError', 'Internal Server Error');
    expect(agent.hasSession, 'the session survives a server error');
    const again = await agent.getProfile({ actor: 'fan.bsky.social' });
    expect(again.data.did === fan, 'the next call succeeds');
  });

  await check('a 429 reaches the library as XRPCError RateLimitExceeded with the ratelimit headers', async () => {
    await emu.fault('bluesky', 'rate_limit', { count: 1 });
    const e = await rejects(agent.listNotifications(), 'a call over the rate limit');
    expectXrpcError(e, 429, 'RateLimitExceeded', 'Rate Limit Exceeded');
    expect(e.headers?.['ratelimit-remaining'] === '0', 'ratelimit-remaining 0', e.headers);
    const reset = Number(e.headers['ratelimit-reset']);
    expect(reset > 0 && e.headers['ratelimit-policy']?.includes(';w='), 'a reset time and policy', e.headers);
    expect(agent.hasSession, 'the session survives a 429');
    await advanceClock(emu, GLOBAL_WINDOW_S + 1);
    const later = await agent.listNotifications();
    expect(Array.isArray(later.data.notifications), 'after the window the library works again');
  });
});
