// Every X endpoint the product calls (networks/x_connector.cpp,
// networks/x_actions.cpp, networks/account_lookup.cpp), called directly on
// the emulator's X listener, and every answer, successes and errors alike,
// validated against X's published OpenAPI document (schemas/x/openapi.json,
// see SOURCE.md) for that operation, status and Content-Type, the v2
// chunked media upload included.
//
// Not covered, because the document has no operation for it: POST
// /2/oauth2/token (the OAuth token endpoint).

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OpenApi } from './openapi.mjs';
import { run, expect } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

/** What the connector asks for on every timeline poll (x_connector.cpp). */
const TIMELINE_QUERY = 'max_results=100&tweet.fields=created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets'
  + '&expansions=author_id&user.fields=username,name';
/** What the connector asks for on every DM poll. */
const DM_QUERY = 'event_types=MessageCreate&dm_event.fields=id,text,event_type,created_at,sender_id,dm_conversation_id'
  + '&expansions=sender_id&user.fields=username,name&max_results=100';
/** Every field the emulator renders, so that all of them meet the schema. */
const ALL_TWEET_FIELDS = 'tweet.fields=created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets,public_metrics,lang,attachments'
  + '&expansions=author_id&user.fields=username,name,created_at,description,protected,verified';

const OLD_PROBLEMS = 'https://api.twitter.com/2/problems/';
const NEW_PROBLEMS = 'https://api.x.com/2/problems/';

/**
 * Corrections to document 2.159 where the live API has moved on; each
 * throws if the document no longer has what it corrects, so an update of
 * the document shows whether the correction is still needed.
 */
function patch(doc) {
  // Problem types moved from api.twitter.com to api.x.com (docs.x.com
  // "Response codes and errors"; document 2.167 in the same repository).
  const mapping = doc.components.schemas.Problem?.discriminator?.mapping;
  if (!mapping || !Object.keys(mapping).some((k) => k.startsWith(OLD_PROBLEMS)))
    throw new Error('patch: Problem.discriminator.mapping has no api.twitter.com types any more');
  for (const [key, ref] of Object.entries(mapping)) {
    if (!key.startsWith(OLD_PROBLEMS)) continue;
    delete mapping[key];
    mapping[NEW_PROBLEMS + key.slice(OLD_PROBLEMS.length)] = ref;
  }
  // Media upload answers "require" a `meta` they never define; X sends none
  // (docs.x.com "Append Media upload"; document 2.167 has no such field).
  for (const name of ['MediaUploadResponse', 'MediaUploadAppendResponse']) {
    const s = doc.components.schemas[name];
    if (!s?.required?.includes('meta') || s.properties?.meta)
      throw new Error(`patch: ${name} no longer requires an undefined meta`);
    s.required = s.required.filter((r) => r !== 'meta');
    if (!s.required.length) delete s.required;
  }
}

await run('every X answer the product reads matches the OpenAPI document of the X API v2', async (emu, check) => {
  const api = OpenApi.load(path.join(here, 'schemas/x/openapi.json'), { patch });
  const base = emu.urls.x;
  const orgId = await emu.user('x', 'acme', 'Acme Inc');
  const fanId = await emu.user('x', 'fan', 'A Fan');
  const token = await emu.token('x', orgId);
  const mentionId = await emu.post('x', fanId, '@acme is socialcrm any good?', 'mention', orgId);
  const fanPostId = await emu.post('x', fanId, 'socialcrm pricing is unclear', 'post');
  await emu.post('x', fanId, 'psst, a private question', 'dm', orgId);

  /** One request on the root listener: {status, contentType, body, headers}. */
  async function call(method, p, { bearer = token, json, form } = {}) {
    const headers = {};
    if (bearer) headers.Authorization = `Bearer ${bearer}`;
    let body;
    if (json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = typeof json === 'string' ? json : JSON.stringify(json);
    } else if (form) {
      body = form; // FormData: fetch writes the multipart boundary
    }
    const res = await fetch(base + p, { method, headers, body });
    const text = await res.text();
    let parsed = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // left as text: the schema check reports it
    }
    return { status: res.status, contentType: res.headers.get('content-type'), body: parsed, headers: res.headers };
  }

  /** Calls and validates; `status` is the status the call must have. */
  async function conforms(method, p, status, options) {
    const answer = await call(method, p, options);
    expect(answer.status === status, `${method} ${p} answers ${status}`, { status: answer.status, body: answer.body });
    api.assert(method, p, answer);
    return answer;
  }

  await check('the checker itself fails on a missing required field and a wrong content type', async () => {
    const good = await conforms('GET', `/2/tweets/${mentionId}?tweet.fields=public_metrics`, 200);
    const noBookmarks = structuredClone(good.body);
    delete noBookmarks.data.public_metrics.bookmark_count;
    const r1 = api.check('GET', `/2/tweets/${mentionId}`, { ...good, body: noBookmarks });
    expect(!r1.ok && r1.errors.some((e) => e.includes('bookmark_count')), 'a missing bookmark_count is reported', r1);
    const me = await conforms('GET', '/2/users/me', 200);
    const noUsername = structuredClone(me.body);
    delete noUsername.data.username;
    const r2 = api.check('GET', '/2/users/me', { ...me, body: noUsername });
    expect(!r2.ok && r2.errors.some((e) => e.includes('username')), 'a missing username is reported', r2);
    const unauthorized = await call('GET', '/2/users/me', { bearer: 'not-a-token' });
    const r3 = api.check('GET', '/2/users/me', { ...unauthorized, contentType: 'application/json' });
    expect(!r3.ok, 'a problem sent as application/json does not pass (it would have to be an Error {code, message})', r3);
  });

  await check('GET /2/users/me (account linking)', async () => {
    await conforms('GET', '/2/users/me?user.fields=username,name', 200);
    await conforms('GET', '/2/users/me?user.fields=created_at,description,protected,verified', 200);
  });

  await check('GET /2/users/by/username/{username}: found, and not found (200 with a resource-not-found error)', async () => {
    await conforms('GET', '/2/users/by/username/fan?user.fields=username,name', 200);
    const missing = await conforms('GET', '/2/users/by/username/nobody_here?user.fields=username,name', 200);
    expect(!missing.body.data && missing.body.errors[0].type === `${NEW_PROBLEMS}resource-not-found`, 'an errors entry, no data', missing.body);
  });

  await check('GET /2/users/{id}/mentions: the connector\'s query, every field, pages, an empty page, a bad parameter', async () => {
    const page = await conforms('GET', `/2/users/${orgId}/mentions?${TIMELINE_QUERY}`, 200);
    expect(page.body.data.some((t) => t.id === mentionId), 'the mention is listed', page.body);
    await conforms('GET', `/2/users/${orgId}/mentions?${ALL_TWEET_FIELDS}`, 200);
    for (let i = 0; i < 6; i++) await emu.post('x', fanId, `@acme paging ${i}`, 'mention', orgId);
    const first = await conforms('GET', `/2/users/${orgId}/mentions?max_results=5`, 200);
    expect(first.body.meta.next_token, 'a next_token', first.body.meta);
    await conforms('GET', `/2/users/${orgId}/mentions?max_results=5&pagination_token=${first.body.meta.next_token}`, 200);
    const empty = await conforms('GET', `/2/users/${orgId}/mentions?since_id=${'9'.repeat(19)}`, 200);
    expect(empty.body.meta.result_count === 0 && !('data' in empty.body), 'an empty page has meta only', empty.body);
    await conforms('GET', `/2/users/${orgId}/mentions?max_results=1000`, 400);
    await conforms('GET', `/2/users/${orgId}/mentions?pagination_token=zzz`, 400);
  });

  await check('GET /2/users/{id}/tweets (own posts and a person\'s timeline)', async () => {
    await conforms('GET', `/2/users/${fanId}/tweets?${TIMELINE_QUERY}`, 200);
    await conforms('GET', `/2/users/${fanId}/tweets?${ALL_TWEET_FIELDS}`, 200);
  });

  await check('GET /2/tweets/search/recent: the connector\'s query, no match, bad parameters', async () => {
    const q = encodeURIComponent('(socialcrm OR pricing OR "customer support")');
    const found = await conforms('GET', `/2/tweets/search/recent?query=${q}&${TIMELINE_QUERY}`, 200);
    expect(found.body.data.some((t) => t.id === fanPostId), 'the post is found', found.body);
    await conforms('GET', `/2/tweets/search/recent?query=socialcrm&${ALL_TWEET_FIELDS}`, 200);
    await conforms('GET', '/2/tweets/search/recent?query=nothing-matches-this', 200);
    await conforms('GET', '/2/tweets/search/recent', 400);
    await conforms('GET', '/2/tweets/search/recent?query=a&max_results=5', 400);
  });

  await check('GET /2/tweets/{id}: found with every field, and not found (200 with an error)', async () => {
    await conforms('GET', `/2/tweets/${mentionId}?${ALL_TWEET_FIELDS}`, 200);
    const missing = await conforms('GET', '/2/tweets/1', 200);
    expect(missing.body.errors?.[0]?.resource_type === 'tweet', 'a tweet not-found error', missing.body);
  });

  await check('GET /2/dm_events (the connector\'s DM poll)', async () => {
    const events = await conforms('GET', `/2/dm_events?${DM_QUERY}`, 200);
    expect(events.body.data.length >= 1 && events.body.includes.users.length >= 1, 'events and their senders', events.body);
  });

  await check('POST /2/tweets: post, reply, duplicate (403), bad reply and bad body (400)', async () => {
    const posted = await conforms('POST', '/2/tweets', 201, { json: { text: 'Schema check post' } });
    await conforms('POST', '/2/tweets', 201, { json: { text: 'Schema check reply', reply: { in_reply_to_tweet_id: mentionId } } });
    await conforms('POST', '/2/tweets', 403, { json: { text: 'Schema check reply' } });
    await conforms('POST', '/2/tweets', 400, { json: { text: 'reply to nothing', reply: { in_reply_to_tweet_id: '42' } } });
    await conforms('POST', '/2/tweets', 400, { json: 'text=not json' });
    expect(posted.body.data.id, 'an id', posted.body);
  });

  await check('POST /2/users/{id}/likes and /retweets, also for another user (403)', async () => {
    await conforms('POST', `/2/users/${orgId}/likes`, 200, { json: { tweet_id: fanPostId } });
    await conforms('POST', `/2/users/${orgId}/retweets`, 200, { json: { tweet_id: fanPostId } });
    await conforms('POST', `/2/users/${fanId}/likes`, 403, { json: { tweet_id: fanPostId } });
    await conforms('POST', `/2/users/${orgId}/retweets`, 400, { json: {} });
  });

  await check('POST /2/dm_conversations/with/{participant_id}/messages', async () => {
    await conforms('POST', `/2/dm_conversations/with/${fanId}/messages`, 201, { json: { text: 'Schema check DM' } });
    await conforms('POST', `/2/dm_conversations/with/${fanId}/messages`, 400, { json: {} });
  });

  await check('POST /2/media/upload/initialize, /{id}/append, /{id}/finalize (the libraries\' upload)', async () => {
    const init = await conforms('POST', '/2/media/upload/initialize', 200, { json: { media_type: 'image/png', total_bytes: 1500, media_category: 'tweet_image' } });
    const id = init.body.data.id;
    for (const [index, size] of [[0, 1000], [1, 500]]) {
      const form = new FormData();
      form.append('segment_index', String(index));
      form.append('media', new Blob([Buffer.alloc(size, 7)], { type: 'application/octet-stream' }), 'chunk');
      await conforms('POST', `/2/media/upload/${id}/append`, 200, { form });
    }
    const done = await conforms('POST', `/2/media/upload/${id}/finalize`, 200, { json: {} });
    expect(done.body.data.size === 1500 && done.body.data.media_key === `3_${id}`, 'the finalized media', done.body);
    await conforms('POST', '/2/media/upload/initialize', 400, { json: { media_type: 'image/png', total_bytes: 6 * 1024 * 1024 } });
    await conforms('POST', '/2/media/upload/1/finalize', 400, { json: {} });
  });

  await check('errors on the product\'s GETs: 429, 5xx', async () => {
    // A token of its own: the fault spends the whole window it hits.
    const limited = await emu.token('x', orgId);
    await emu.fault('x', 'rate_limit', { count: 1 });
    const r = await conforms('GET', '/2/users/me?user.fields=username,name', 429, { bearer: limited });
    expect(Number(r.headers.get('x-rate-limit-reset')) > Date.now() / 1000, 'x-rate-limit-reset in the future', r.headers.get('x-rate-limit-reset'));
    await emu.fault('x', 'error_5xx', { count: 1 });
    await conforms('GET', `/2/users/${orgId}/mentions?${TIMELINE_QUERY}`, 503);
  });

  // Last: revoke_token without a user revokes every X token.
  await check('errors with a revoked token: 401 on every endpoint the product calls', async () => {
    await emu.fault('x', 'revoke_token');
    await conforms('GET', '/2/users/me?user.fields=username,name', 401);
    await conforms('GET', '/2/users/by/username/fan?user.fields=username,name', 401);
    await conforms('GET', `/2/users/${orgId}/mentions?${TIMELINE_QUERY}`, 401);
    await conforms('GET', `/2/users/${orgId}/tweets?${TIMELINE_QUERY}`, 401);
    await conforms('GET', `/2/tweets/search/recent?query=socialcrm&${TIMELINE_QUERY}`, 401);
    await conforms('GET', `/2/dm_events?${DM_QUERY}`, 401);
    await conforms('POST', '/2/tweets', 401, { json: { text: 'revoked' } });
    await conforms('POST', `/2/users/${orgId}/likes`, 401, { json: { tweet_id: fanPostId } });
    await conforms('POST', `/2/users/${orgId}/retweets`, 401, { json: { tweet_id: fanPostId } });
    await conforms('POST', `/2/dm_conversations/with/${fanId}/messages`, 401, { json: { text: 'revoked' } });
  });
});
