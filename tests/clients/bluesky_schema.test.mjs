// Schema conformance of the emulator's Bluesky: every XRPC method the
// product calls (read from its Bluesky sources, so a new call cannot slip
// by untested), asked with plain fetch on the network's root https listener
// the way the product asks it, and every answer validated with
// @atproto/lexicon against the atproto lexicons kept in schemas/bluesky/
// (SOURCE.md names the commit). Post records inside the views are checked
// against their own record lexicon too. Error answers must have the XRPC
// error shape {error: string, message?: string}, with a name the method's
// lexicon or the XRPC server declares.

import { Lexicons, jsonStringToLex, jsonToLex } from '@atproto/lexicon';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, run } from './harness.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SCHEMAS = path.join(HERE, 'schemas', 'bluesky');
const REPO = path.resolve(HERE, '..', '..');
/** Where the product's Bluesky requests are written. */
const PRODUCT_SOURCES = ['networks/bluesky_connector.cpp', 'networks/bluesky_actions.cpp', 'networks/account_lookup.cpp'];
/** Error names any XRPC method may answer (@atproto/xrpc-server's own errors and the PDS auth verifier's). */
const GENERIC_ERRORS = new Set([
  'InvalidRequest', 'AuthenticationRequired', 'AuthMissing', 'ExpiredToken', 'InvalidToken',
  'Forbidden', 'RateLimitExceeded', 'InternalServerError', 'MethodNotImplemented', 'PayloadTooLarge',
]);
const PASSWORD = 'abcd-efgh-ijkl-mnop';
/** Access JWTs live two hours on the PDS. */
const ACCESS_JWT_LIFETIME_S = 2 * 60 * 60;
/** The product's page size (bluesky_page_size): the lexicons' maximum. */
const PAGE = 100;

function loadLexicons() {
  const lex = new Lexicons();
  const files = readdirSync(SCHEMAS).filter((f) => f.endsWith('.json'));
  expect(files.length > 0, `lexicons in ${SCHEMAS}`);
  for (const f of files) lex.add(JSON.parse(readFileSync(path.join(SCHEMAS, f), 'utf8')));
  return lex;
}

/** The NSIDs of every XRPC call written in the product's Bluesky sources. */
function productMethods() {
  const found = new Set();
  for (const file of PRODUCT_SOURCES) {
    const src = readFileSync(path.join(REPO, file), 'utf8');
    for (const m of src.matchAll(/"\/xrpc\/([A-Za-z0-9.]+)/g)) found.add(m[1]);
    for (const m of src.matchAll(/query\(\s*\w+,\s*"([A-Za-z0-9.]+)"/g)) found.add(m[1]);
  }
  return found;
}

function queryString(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) for (const one of Array.isArray(v) ? v : [v]) q.append(k, String(one));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Every `record` of a post view or notification (objects with uri, cid and record). */
function viewRecords(value, out = []) {
  if (Array.isArray(value)) value.forEach((v) => viewRecords(v, out));
  else if (value && typeof value === 'object' && value.constructor === Object) {
    if (typeof value.uri === 'string' && typeof value.cid === 'string' && value.record !== undefined) out.push(value);
    Object.values(value).forEach((v) => viewRecords(v, out));
  }
  return out;
}

/** XRPC over fetch, validating every request we send and every answer. */
class Xrpc {
  constructor(base, lex) {
    this.base = base;
    this.lex = lex;
    this.validAnswers = 0;
    this.validated = new Set();
  }

  /** `invalid` marks a request that breaks the lexicon on purpose. */
  async call(nsid, { params, input, bytes, contentType, token, invalid = false } = {}) {
    const def = this.lex.getDefOrThrow(nsid);
    // Our requests copy the product's: they must be valid requests too.
    if (params && !invalid) this.lex.assertValidXrpcParams(nsid, params);
    if (input !== undefined && !invalid) this.lex.assertValidXrpcInput(nsid, jsonToLex(input));
    const headers = {};
    if (token) headers.authorization = `Bearer ${token}`;
    let body;
    if (input !== undefined) { headers['content-type'] = 'application/json'; body = JSON.stringify(input); }
    if (bytes !== undefined) { headers['content-type'] = contentType; body = bytes; }
    const res = await fetch(`${this.base}/xrpc/${nsid}${queryString(params)}`, {
      method: def.type === 'procedure' ? 'POST' : 'GET', headers, body,
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  /** A 200 whose body is a valid output of `nsid`; returns it as lex values and as plain JSON. */
  async ok(nsid, opts) {
    const r = await this.call(nsid, opts);
    expect(r.status === 200, `${nsid} answers 200: ${r.text.slice(0, 500)}`, r.status);
    expect((r.headers.get('content-type') ?? '').startsWith('application/json'), `${nsid} answers JSON`, r.headers.get('content-type'));
    const value = jsonStringToLex(r.text);
    try {
      this.lex.assertValidXrpcOutput(nsid, value);
    } catch (e) {
      throw new Error(`${nsid} output breaks its lexicon: ${e.message}\n  body: ${r.text.slice(0, 1500)}`);
    }
    for (const view of viewRecords(value)) {
      const type = view.record?.$type;
      expect(typeof type === 'string', `${nsid}: the record of ${view.uri} names its $type`, view.record);
      if (this.lex.getDef(type)?.type !== 'record') continue;
      try {
        this.lex.assertValidRecord(type, view.record);
      } catch (e) {
        throw new Error(`${nsid}: the record of ${view.uri} breaks ${type}: ${e.message}`);
      }
    }
    this.validAnswers++;
    this.validated.add(nsid);
    return { value, json: JSON.parse(r.text), headers: r.headers };
  }

  /** An error answer of `status` in the XRPC error shape, named `name`. */
  async fails(nsid, status, name, opts) {
    const r = await this.call(nsid, opts);
    expect(r.status === status, `${nsid} answers ${status}: ${r.text.slice(0, 300)}`, r.status);
    expect((r.headers.get('content-type') ?? '').startsWith('application/json'), `${nsid} ${status} is JSON`, r.headers.get('content-type'));
    let body;
    try { body = JSON.parse(r.text); } catch { throw new Error(`${nsid} ${status}: body is not JSON: ${r.text.slice(0, 300)}`); }
    expect(body && typeof body === 'object' && !Array.isArray(body), 'the error body is an object', body);
    expect(typeof body.error === 'string' && body.error.length > 0, 'error is a non-empty string', body);
    expect(body.message === undefined || typeof body.message === 'string', 'message, when present, is a string', body);
    const extra = Object.keys(body).filter((k) => k !== 'error' && k !== 'message');
    expect(extra.length === 0, 'the error body has only error and message', body);
    const declared = (this.lex.getDef(nsid)?.errors ?? []).map((e) => e.name);
    expect(GENERIC_ERRORS.has(body.error) || declared.includes(body.error), `${body.error} is an XRPC error or one ${nsid} declares`, body);
    expect(body.error === name, `error ${name}`, body.error);
    this.validAnswers++;
    return { body, headers: r.headers };
  }
}

function expectRateLimitHeaders(headers, what) {
  for (const h of ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'ratelimit-policy'])
    expect(/^\d+(;w=\d+)?$/.test(headers.get(h) ?? ''), `${what} carries ${h}`, headers.get(h));
}

await run('every Bluesky XRPC answer the product reads is valid under the atproto lexicons', async (emu, check) => {
  const lex = loadLexicons();
  const xrpc = new Xrpc(emu.urls.bluesky, lex);
  const acme = await emu.user('bluesky', 'acme', 'Acme Inc', PASSWORD);
  const fan = await emu.user('bluesky', 'fan', 'Faye Fan');
  const fanPosts = [];
  for (let i = 0; i < 3; i++) fanPosts.push(await emu.post('bluesky', fan, `Pricing thoughts ${i}`, 'post'));
  const session = {};
  const created = {};

  await check('com.atproto.server.createSession', async () => {
    const { json } = await xrpc.ok('com.atproto.server.createSession', { input: { identifier: 'acme.bsky.social', password: PASSWORD } });
    expect(json.did === acme, 'the account', json);
    Object.assign(session, json);
  });

  await check('com.atproto.server.getSession', async () => {
    const { json } = await xrpc.ok('com.atproto.server.getSession', { token: session.accessJwt });
    expect(json.did === acme && json.handle === 'acme.bsky.social', 'the account', json);
  });

  await check('com.atproto.server.refreshSession', async () => {
    const { json } = await xrpc.ok('com.atproto.server.refreshSession', { token: session.refreshJwt });
    expect(json.refreshJwt !== session.refreshJwt, 'a rotated refresh JWT');
    Object.assign(session, json);
  });

  await check('com.atproto.repo.uploadBlob', async () => {
    const { json } = await xrpc.ok('com.atproto.repo.uploadBlob', { bytes: new Uint8Array(2048).fill(1), contentType: 'image/jpeg', token: session.accessJwt });
    created.blob = json.blob;
  });

  await check('com.atproto.repo.createRecord (posts, an image post, a reply, a like, a repost)', async () => {
    const now = new Date().toISOString();
    const create = (collection, record) => xrpc.ok('com.atproto.repo.createRecord', {
      token: session.accessJwt,
      input: { repo: acme, collection, record: { createdAt: now, ...record, $type: collection } },
    });
    created.post = (await create('app.bsky.feed.post', { text: 'Launch day' })).json;
    created.imagePost = (await create('app.bsky.feed.post', {
      text: 'Our office',
      embed: { $type: 'app.bsky.embed.images', images: [{ alt: '', image: created.blob }] },
    })).json;
    const parent = (await xrpc.ok('app.bsky.feed.getPosts', { params: { uris: [fanPosts[1]] }, token: session.accessJwt })).json.posts[0];
    const ref = { uri: parent.uri, cid: parent.cid };
    created.reply = (await create('app.bsky.feed.post', { text: 'We are on it', reply: { root: ref, parent: ref } })).json;
    created.like = (await create('app.bsky.feed.like', { subject: ref })).json;
    created.repost = (await create('app.bsky.feed.repost', { subject: ref })).json;
    // Others answer: a mention and a reply to our post, for the notifications.
    created.mention = await emu.post('bluesky', fan, '@acme how much is it?', 'mention', acme);
    created.theirReply = (await emu.control('/posts', { network: 'bluesky', author_id: fan, text: 'congrats!', kind: 'reply', in_reply_to: created.post.uri })).external_id;
  });

  await check('app.bsky.feed.getPosts', async () => {
    const uris = [created.imagePost.uri, fanPosts[1], created.reply.uri];
    const { json } = await xrpc.ok('app.bsky.feed.getPosts', { params: { uris }, token: session.accessJwt });
    expect(json.posts.map((p) => p.uri).join() === uris.join(), 'every post, in the order asked', json.posts.map((p) => p.uri));
    expect(json.posts[0].embed?.$type === 'app.bsky.embed.images#view', 'the image post has an images view', json.posts[0].embed);
    expect(json.posts[1].viewer.like === created.like.uri && json.posts[1].viewer.repost === created.repost.uri, 'the viewer state names our like and repost', json.posts[1].viewer);
    expect(json.posts[2].record.reply.parent.uri === fanPosts[1], 'the reply record names its parent');
  });

  await check('app.bsky.notification.listNotifications', async () => {
    const params = { limit: PAGE, reasons: ['mention', 'reply', 'quote'] };
    const { json } = await xrpc.ok('app.bsky.notification.listNotifications', { params, token: session.accessJwt });
    const reasons = json.notifications.map((n) => `${n.reason} ${n.uri}`);
    expect(reasons.includes(`mention ${created.mention}`) && reasons.includes(`reply ${created.theirReply}`), 'the mention and the reply', reasons);
    const page1 = (await xrpc.ok('app.bsky.notification.listNotifications', { params: { ...params, limit: 1 }, token: session.accessJwt })).json;
    expect(typeof page1.cursor === 'string', 'a cursor when there is more', page1);
    await xrpc.ok('app.bsky.notification.listNotifications', { params: { ...params, limit: 1, cursor: page1.cursor }, token: session.accessJwt });
  });

  await check('app.bsky.feed.getAuthorFeed', async () => {
    const params = { actor: acme, limit: PAGE, filter: 'posts_with_replies' };
    const { json } = await xrpc.ok('app.bsky.feed.getAuthorFeed', { params, token: session.accessJwt });
    expect(json.feed.some((f) => f.reply?.parent?.uri === fanPosts[1]), 'our reply with its thread', json.feed.map((f) => f.post.uri));
    expect(json.feed.some((f) => f.post.embed), 'our image post with its embed');
    const fans = await xrpc.ok('app.bsky.feed.getAuthorFeed', { params: { ...params, actor: 'fan.bsky.social', limit: 2 }, token: session.accessJwt });
    expect(typeof fans.json.cursor === 'string', 'a cursor when there is more', fans.json);
    await xrpc.ok('app.bsky.feed.getAuthorFeed', { params: { ...params, actor: fan, limit: 2, cursor: fans.json.cursor }, token: session.accessJwt });
  });

  await check('app.bsky.feed.searchPosts', async () => {
    const params = { q: 'pricing', sort: 'latest', limit: PAGE };
    const { json } = await xrpc.ok('app.bsky.feed.searchPosts', { params, token: session.accessJwt });
    expect(json.posts.length === 3, 'the three posts', json.posts.length);
    await xrpc.ok('app.bsky.feed.searchPosts', { params: { ...params, q: '"pricing thoughts"' }, token: session.accessJwt });
    const first = (await xrpc.ok('app.bsky.feed.searchPosts', { params: { ...params, limit: 2 }, token: session.accessJwt })).json;
    expect(typeof first.cursor === 'string', 'a cursor when there is more', first);
    await xrpc.ok('app.bsky.feed.searchPosts', { params: { ...params, limit: 2, cursor: first.cursor }, token: session.accessJwt });
  });

  await check('app.bsky.actor.getProfile', async () => {
    const { json } = await xrpc.ok('app.bsky.actor.getProfile', { params: { actor: 'fan.bsky.social' }, token: session.accessJwt });
    expect(json.did === fan, 'the account', json);
    await xrpc.ok('app.bsky.actor.getProfile', { params: { actor: acme }, token: session.accessJwt });
  });

  await check('every XRPC method the product calls was called and validated', async () => {
    const used = productMethods();
    expect(used.size >= 10, 'the product\'s Bluesky calls were found in its sources', [...used]);
    const missing = [...used].filter((nsid) => !xrpc.validated.has(nsid));
    expect(missing.length === 0, 'every one has a validated answer here', missing);
    const unknown = [...used].filter((nsid) => !lex.getDef(nsid));
    expect(unknown.length === 0, 'and its lexicon in schemas/bluesky', unknown);
  });

  await check('400 InvalidRequest answers have the XRPC error shape', async () => {
    await xrpc.fails('app.bsky.actor.getProfile', 400, 'InvalidRequest', { token: session.accessJwt });
    await xrpc.fails('app.bsky.actor.getProfile', 400, 'InvalidRequest', { params: { actor: 'nobody.bsky.social' }, token: session.accessJwt });
    await xrpc.fails('app.bsky.feed.searchPosts', 400, 'InvalidRequest', { token: session.accessJwt });
    await xrpc.fails('app.bsky.notification.listNotifications', 400, 'InvalidRequest', { params: { limit: PAGE + 1 }, token: session.accessJwt, invalid: true });
    await xrpc.fails('app.bsky.feed.getPosts', 400, 'InvalidRequest', { params: { uris: Array(26).fill(fanPosts[0]) }, token: session.accessJwt, invalid: true });
    await xrpc.fails('com.atproto.repo.createRecord', 400, 'InvalidRequest', {
      token: session.accessJwt,
      input: { repo: acme, collection: 'app.bsky.feed.post', record: { $type: 'app.bsky.feed.post', createdAt: new Date().toISOString() } },
    });
  });

  await check('401 answers (no token, a wrong app password) have the XRPC error shape', async () => {
    await xrpc.fails('app.bsky.notification.listNotifications', 401, 'AuthMissing', { params: { limit: PAGE } });
    await xrpc.fails('com.atproto.server.createSession', 401, 'AuthenticationRequired', { input: { identifier: 'acme.bsky.social', password: 'wrong' } });
  });

  await check('400 ExpiredToken and InvalidToken answers have the XRPC error shape', async () => {
    await xrpc.fails('com.atproto.server.getSession', 400, 'InvalidToken', { token: 'not-a-token' });
    // The access JWT as the refresh JWT: the wrong scope.
    await xrpc.fails('com.atproto.server.refreshSession', 400, 'InvalidToken', { token: session.accessJwt });
    // A used refresh JWT refreshes again within the grace period (two
    // hours, as long as an access JWT lives) and is revoked after it.
    const used = session.refreshJwt;
    const { json } = await xrpc.ok('com.atproto.server.refreshSession', { token: used });
    const retried = (await xrpc.ok('com.atproto.server.refreshSession', { token: used })).json;
    expect(retried.refreshJwt === json.refreshJwt, 'the same next refresh JWT within the grace period');
    await emu.control('/clock', { advance_s: ACCESS_JWT_LIFETIME_S + 1 });
    await xrpc.fails('com.atproto.server.refreshSession', 400, 'ExpiredToken', { token: used });
    await xrpc.fails('app.bsky.feed.getAuthorFeed', 400, 'ExpiredToken', { params: { actor: acme }, token: json.accessJwt });
    Object.assign(session, (await xrpc.ok('com.atproto.server.refreshSession', { token: json.refreshJwt })).json);
  });

  await check('500 answers have the XRPC error shape', async () => {
    await emu.fault('bluesky', 'error_5xx', { count: 1 });
    await xrpc.fails('app.bsky.notification.listNotifications', 500, 'InternalServerError', { params: { limit: PAGE }, token: session.accessJwt });
  });

  await check('429 answers have the XRPC error shape and the ratelimit headers', async () => {
    await emu.fault('bluesky', 'rate_limit', { count: 1 });
    const { headers } = await xrpc.fails('app.bsky.notification.listNotifications', 429, 'RateLimitExceeded', { params: { limit: PAGE }, token: session.accessJwt });
    expectRateLimitHeaders(headers, 'the 429');
    expect(headers.get('ratelimit-remaining') === '0', 'nothing remaining', headers.get('ratelimit-remaining'));
  });

  console.log(`  (${xrpc.validAnswers} answers validated)`);
});
