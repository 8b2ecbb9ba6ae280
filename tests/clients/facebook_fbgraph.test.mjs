// fbgraph, the npm Graph API client, unmodified, against the emulator's
// Facebook at the root of its own https listener: the calls the product
// makes (pages and page tokens, feed, comments, conversations, posts,
// photos) and the errors it must tell apart (dead token, 5xx, rate limit),
// each as fbgraph hands it to its caller. Every write is checked in the
// emulator's published log.
//
// fbgraph keeps its settings (Graph URL, version, request options) in
// module state; the checks run one after another and pass each call's
// token as its own access_token parameter.

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import graph from 'fbgraph';
import { expect, rejects, run } from './harness.mjs';

const require = createRequire(import.meta.url);
/** The Graph version the product calls (networks/facebook_connector.hpp). */
const VERSION = '19.0';

/** fbgraph's callbacks as promises; errors are what fbgraph passes on. */
const get = (url, params) => new Promise((resolve, reject) => {
  graph.get(url, params ?? {}, (err, res) => (err ? reject(err) : resolve(res)));
});
const post = (url, data) => new Promise((resolve, reject) => {
  graph.post(url, data, (err, res) => (err ? reject(err) : resolve(res)));
});

/** Graph's error object as a client sees it: the fields its docs name. */
function expectGraphError(err, code, what) {
  expect(err && typeof err === 'object' && !(err instanceof Error), `${what}: fbgraph passes Graph's error object`, String(err));
  expect(typeof err.message === 'string' && err.message.length > 0, `${what}: error.message`, err);
  expect(typeof err.type === 'string', `${what}: error.type`, err);
  expect(err.code === code, `${what}: error.code ${code}`, err);
  expect(typeof err.fbtrace_id === 'string' && err.fbtrace_id.length > 0, `${what}: error.fbtrace_id`, err);
}

/** A comment (or reply) by `author` under `parent`, through the control API. */
async function comment(emu, author, parent, text) {
  return (await emu.control('/posts', { network: 'facebook', author_id: author, text, kind: 'comment', in_reply_to: parent })).external_id;
}

await run('fbgraph reads and writes a Facebook page through the emulator over https', async (emu, check) => {
  const owner = await emu.user('facebook', 'acme_admin', 'Acme Admin');
  const fan = await emu.user('facebook', 'fan', 'Fan Person');
  const page = await emu.page('facebook', owner, 'Acme');
  const userToken = await emu.token('facebook', owner);
  graph.setGraphUrl(emu.urls.facebook).setVersion(VERSION).setAccessToken(null).setOptions({});
  let pageToken = '';

  await check('fbgraph trusts the emulator CA only through NODE_EXTRA_CA_CERTS', async () => {
    expect(emu.urls.facebook.startsWith('https://'), 'the root listener is https', emu.urls.facebook);
    const me = await get('/me', { fields: 'id,name', access_token: userToken });
    expect(me.id === owner && me.name === 'Acme Admin', '/me is the token owner', me);
    // The same call from a node started without the variable must fail
    // the TLS handshake: request takes its CAs from Node's tls defaults.
    const script = `const g = require(${JSON.stringify(require.resolve('fbgraph'))});
      g.setGraphUrl(${JSON.stringify(emu.urls.facebook)}).setVersion('${VERSION}');
      let told = false; // fbgraph calls back twice on a failed request
      g.get('/me', { access_token: ${JSON.stringify(userToken)} }, (err) => {
        if (!told) console.log(JSON.stringify(err && err.exception ? err.exception.code : 'no error'));
        told = true;
      });`;
    const env = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    const child = spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8', timeout: 30000 });
    const code = JSON.parse(child.stdout.trim() || '""');
    expect(/CERT|SIGNATURE|ISSUER/.test(code), 'without NODE_EXTRA_CA_CERTS the handshake fails on the certificate', code);
  });

  await check('/me/accounts lists the page with its page token', async () => {
    const res = await get('/me/accounts', { fields: 'id,name,access_token', access_token: userToken });
    expect(Array.isArray(res.data) && res.data.length === 1, 'one managed page', res);
    const p = res.data[0];
    expect(p.id === page && p.name === 'Acme', 'the page id and name', p);
    expect(typeof p.access_token === 'string' && p.access_token.length > 0, 'a page token', p);
    pageToken = p.access_token;
    const asPage = await get('/me', { access_token: pageToken });
    expect(asPage.id === page, 'the page token acts as the page', asPage);
  });

  await check('the page feed pages with paging.next, which fbgraph follows as a full URL', async () => {
    const ours = [];
    for (let i = 0; i < 3; i++) ours.push(await emu.post('facebook', page, `news ${i}`, 'post'));
    const visitor = await emu.post('facebook', fan, 'love your shop', 'post', page);
    const first = await get(`/${page}/feed`, { fields: 'id,message,created_time,from', limit: 2, access_token: pageToken });
    expect(first.data.length === 2, 'two posts on the first page', first);
    expect(first.data[0].id === visitor && first.data[0].from.id === fan, 'newest first: the visitor post, from the fan', first.data[0]);
    expect(first.data[1].id === ours[2] && first.data[1].message === 'news 2', 'then the page post', first.data[1]);
    expect(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/.test(first.data[0].created_time), 'created_time as Graph writes it', first.data[0]);
    expect(typeof first.paging?.next === 'string' && first.paging.cursors?.after, 'paging.next and cursors.after', first.paging);
    expect(first.paging.next.startsWith(`${emu.urls.facebook}/v${VERSION}/${page}/feed?`), 'paging.next is on the root listener, versioned', first.paging.next);
    const second = await get(first.paging.next);
    expect(second.data.map((p) => p.id).join() === [ours[1], ours[0]].join(), 'the next page holds the older posts', second.data);
    expect(!second.paging.next, 'no further page', second.paging);
  });

  let commented = '';
  await check('comments are read, embedded with comments.summary(true) and as the comments edge', async () => {
    commented = await emu.post('facebook', page, 'we have a sale', 'post');
    const c1 = await comment(emu, fan, commented, 'how long?');
    const c2 = await comment(emu, owner, commented, 'a week');
    const reply = await comment(emu, fan, c1, 'thanks!');
    const c3 = await comment(emu, fan, commented, 'great');
    const feed = await get(`/${page}/feed`, { fields: 'id,comments.summary(true)', limit: 1, access_token: pageToken });
    const embedded = feed.data[0].comments;
    expect(feed.data[0].id === commented, 'the commented post first', feed.data[0]);
    expect(embedded.summary?.total_count === 3, 'summary.total_count counts the 3 top-level comments', embedded.summary);
    expect(embedded.data.map((c) => c.id).join() === [c1, c2, c3].join(), 'the embedded edge lists those 3 comments, oldest first', embedded.data);
    expect(embedded.data[0].message === 'how long?' && embedded.data[0].from.id === fan, 'with their default fields', embedded.data[0]);
    const counted = await get(`/${page}/feed`, { fields: 'id,comments.limit(0).summary(true)', limit: 1, access_token: pageToken });
    expect(counted.data[0].comments.data.length === 0 && counted.data[0].comments.summary.total_count === 3, 'limit(0) only counts', counted.data[0]);
    const stream = await get(`/${commented}/comments`, {
      order: 'reverse_chronological', filter: 'stream', summary: true, fields: 'id,message,created_time,from,parent', access_token: pageToken,
    });
    expect(stream.data.map((c) => c.id).join() === [c3, reply, c2, c1].join(), 'filter=stream adds the reply, newest first', stream.data);
    expect(stream.data[1].parent?.id === c1, 'a reply names its parent comment', stream.data[1]);
    expect(stream.data[0].parent === undefined, 'a top-level comment has no parent', stream.data[0]);
  });

  await check('a comment written through fbgraph is published as the page', async () => {
    const res = await post(`/${commented}/comments`, { message: 'see you there', access_token: pageToken });
    expect(typeof res.id === 'string' && res.id.length > 0, 'the new comment id', res);
    const last = (await emu.published('facebook')).at(-1);
    expect(last.action === 'comment' && last.external_id === res.id && last.target_id === commented, 'the comment is in /_sim/published', last);
    expect(last.actor_id === page && last.text === 'see you there', 'written as the page, with its text', last);
  });

  await check('page conversations list their messages, and fbgraph pages through them', async () => {
    await emu.post('facebook', fan, 'do you ship to Oslo?', 'dm', page);
    await emu.post('facebook', fan, 'and to Bergen?', 'dm', page);
    const convs = await get(`/${page}/conversations`, {
      fields: 'id,updated_time,messages.limit(1){id,message,created_time,from}', access_token: pageToken,
    });
    expect(convs.data.length === 1, 'one conversation', convs);
    const conv = convs.data[0];
    expect(typeof conv.id === 'string' && typeof conv.updated_time === 'string', 'id and updated_time', conv);
    expect(conv.messages.data.length === 1 && conv.messages.data[0].message === 'and to Bergen?', 'limit(1): the newest message', conv.messages);
    expect(conv.messages.data[0].from.id === fan, 'from the fan', conv.messages.data[0]);
    expect(typeof conv.messages.paging?.next === 'string', 'the embedded edge names its next page', conv.messages);
    const older = await get(conv.messages.paging.next);
    expect(older.data.length === 1 && older.data[0].message === 'do you ship to Oslo?', 'the next page is the older message', older);
    const direct = await get(`/${conv.id}/messages`, { fields: 'id,message,created_time,from', access_token: pageToken });
    expect(direct.data.length === 2, 'the messages edge read directly', direct);
  });

  await check('a post written through fbgraph is published on the page', async () => {
    const res = await post(`/${page}/feed`, { message: 'Hello from fbgraph', access_token: pageToken });
    expect(typeof res.id === 'string' && res.id.startsWith(`${page}_`), 'a page post id', res);
    const last = (await emu.published('facebook')).at(-1);
    expect(last.action === 'post' && last.external_id === res.id && last.text === 'Hello from fbgraph', 'the post is in /_sim/published', last);
    const back = await get(`/${res.id}`, { fields: 'id,message', access_token: pageToken });
    expect(back.message === 'Hello from fbgraph', 'and readable as a node', back);
  });

  await check('a photo uploads as multipart with access_token as a form field', async () => {
    // fbgraph has no upload call of its own: request's formData option
    // (fbgraph.setOptions) sends every parameter as a multipart field.
    const image = Buffer.alloc(3000, 0xab);
    graph.setOptions({
      formData: {
        access_token: pageToken,
        caption: 'Our new shop',
        source: { value: image, options: { filename: 'shop.jpg', contentType: 'image/jpeg' } },
      },
    });
    let res;
    try {
      res = await post(`/${page}/photos`, {});
    } finally {
      graph.setOptions({});
    }
    expect(typeof res.id === 'string' && typeof res.post_id === 'string', 'the photo id and the post_id', res);
    const last = (await emu.published('facebook')).at(-1);
    expect(last.action === 'post' && last.external_id === res.post_id, 'the photo post is in /_sim/published', last);
    expect(last.text === 'Our new shop' && last.media_bytes?.[0] === image.length, 'with its caption and all its bytes', last);
  });

  await check('a revoked token reaches fbgraph as OAuthException 190', async () => {
    const other = await emu.user('facebook', 'leaver');
    const token = await emu.token('facebook', other);
    await get('/me', { access_token: token });
    await emu.fault('facebook', 'revoke_token', { token });
    const err = await rejects(get('/me', { access_token: token }), 'a revoked token');
    expectGraphError(err, 190, 'revoked token');
    expect(err.type === 'OAuthException', 'type OAuthException', err);
    expect(err.error_subcode === 460, 'subcode 460: the session was invalidated', err);
  });

  await check('a 5xx reaches fbgraph as Graph\'s transient error', async () => {
    await emu.fault('facebook', 'error_5xx');
    const err = await rejects(get(`/${page}/feed`, { access_token: pageToken }), 'a 5xx');
    expectGraphError(err, 2, '5xx');
    expect(err.is_transient === true, 'is_transient', err);
    const again = await get(`/${page}/feed`, { limit: 1, access_token: pageToken });
    expect(again.data.length === 1, 'the next call succeeds', again);
  });

  await check('a rate limit reaches fbgraph as Graph\'s throttling codes', async () => {
    await emu.fault('facebook', 'rate_limit');
    const asPage = await rejects(get(`/${page}/feed`, { access_token: pageToken }), 'a throttled page call');
    expectGraphError(asPage, 32, 'page token throttled');
    expect(asPage.is_transient === true, 'is_transient', asPage);
    await emu.fault('facebook', 'rate_limit');
    const asUser = await rejects(get('/me/accounts', { access_token: userToken }), 'a throttled user call');
    expectGraphError(asUser, 4, 'user token throttled');
  });
});
