// Every Mastodon endpoint the product calls (networks/mastodon_connector.cpp,
// networks/account_lookup.cpp, networks/oauth.cpp), called with fetch the
// way the product calls it, on the emulator's Mastodon at the root of its
// https listener; every answer, success and error, is validated against
// the community OpenAPI document of Mastodon's API (abraham/mastodon-openapi,
// schemas/mastodon/SOURCE.md) with ajv, through openapi.mjs. A field the
// document requires and the emulator leaves out fails the test. The last
// check compares what was validated with the list of endpoints and answers
// below, so an endpoint the product uses cannot be skipped silently.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OpenApi } from './openapi.mjs';
import { expect, run } from './harness.mjs';

const NET = 'mastodon';
const DOC = path.join(path.dirname(fileURLToPath(import.meta.url)), 'schemas/mastodon/openapi.json');
/** The connector's page sizes (networks/mastodon_connector.hpp). */
const NOTIFICATIONS_PAGE = 80;
const STATUSES_PAGE = 40;
/** What networks/oauth.cpp registers and asks for. */
const SCOPE = 'read write';
const REDIRECT = 'https://crm.example/api/v1/social/oauth/callback';
/** The smallest PNG (one transparent pixel). */
const PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

/**
 * The endpoints the product uses and the answers of each it must be able to
 * read; the emulator's other Mastodon endpoints (instance, conversations,
 * the media poll, app verification) are validated too but not required.
 */
const PRODUCT_ENDPOINTS = {
  'POST /api/v1/apps': [200, 422],
  'POST /oauth/token': [200, 400, 401],
  'GET /api/v1/accounts/verify_credentials': [200, 401, 429, 503],
  'GET /api/v1/accounts/lookup': [200, 404],
  'GET /api/v1/accounts/{id}': [200, 404],
  'GET /api/v1/accounts/{id}/statuses': [200, 404],
  'GET /api/v1/notifications': [200, 401, 429],
  'GET /api/v2/search': [200, 401],
  'POST /api/v2/media': [200, 401, 422],
  'POST /api/v1/statuses': [200, 401, 404, 422],
  'POST /api/v1/statuses/{id}/favourite': [200, 401, 404],
  'POST /api/v1/statuses/{id}/reblog': [200, 401, 404],
};

function loadDocument() {
  const api = OpenApi.load(DOC);
  // The document's own name for an ISO 639-1 code: two lowercase letters
  // (ajv-formats does not know it; openapi.mjs would accept anything).
  api.ajv.addFormat('iso-639-1', /^[a-z]{2}$/);
  return api;
}

await run('Mastodon answers as its OpenAPI document says, for every endpoint the product calls', async (emu, check) => {
  const base = emu.urls.mastodon;
  const api = loadDocument();
  /** "METHOD template" -> statuses validated. */
  const covered = new Map();

  /** One request as the product sends it; the answer with its body parsed. */
  async function call(method, p, { token, json, form, multipart, headers = {} } = {}) {
    const h = { Accept: 'application/json', ...headers };
    if (token) h.Authorization = `Bearer ${token}`;
    let body;
    if (json !== undefined) {
      h['Content-Type'] = 'application/json';
      body = JSON.stringify(json);
    } else if (form) {
      h['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    } else if (multipart) {
      body = multipart;
    }
    const res = await fetch(base + p, { method, headers: h, body, redirect: 'manual' });
    const text = await res.text();
    let parsed = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: the validation below says so
    }
    return { status: res.status, contentType: res.headers.get('content-type'), headers: res.headers, body: parsed };
  }

  /** Calls, expects `status`, validates the answer; returns its body. */
  async function conform(status, method, p, options) {
    const answer = await call(method, p, options);
    expect(answer.status === status, `${method} ${p} answers ${status}`, { status: answer.status, body: answer.body });
    const r = api.assert(method, p, answer);
    const key = r.id.split(' ').slice(0, 2).join(' ');
    if (!covered.has(key)) covered.set(key, new Set());
    covered.get(key).add(status);
    return answer.body;
  }

  const acme = await emu.user(NET, 'acme', 'Acme Support', 'acme password');
  const fan = await emu.user(NET, 'fan', 'Faye Fan');
  const fanToken = await emu.token(NET, fan);
  let token = null; // acme's, from the OAuth flow below
  const fanPost = await emu.post(NET, fan, 'Is the pricing page right?', 'post');
  const mention = await emu.post(NET, fan, '@acme pricing question', 'mention', acme);

  await check('apps and OAuth: register, authorize, trade the code (networks/oauth.cpp)', async () => {
    const app = await conform(200, 'POST', '/api/v1/apps', { form: { client_name: 'socialcrm', redirect_uris: REDIRECT, scopes: SCOPE } });
    await conform(422, 'POST', '/api/v1/apps', { form: { client_name: 'socialcrm', scopes: SCOPE } });
    // The consent page is HTML for the user's browser (the document gives
    // its 200 no body); the form on it redirects back with the code.
    const page = await call('GET', `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: app.client_id, redirect_uri: REDIRECT, scope: SCOPE, state: 's1' })}`);
    expect(page.status === 200 && /text\/html/.test(page.contentType), 'the authorize page', page.status);
    const consent = await call('POST', '/oauth/authorize', {
      form: { response_type: 'code', client_id: app.client_id, redirect_uri: REDIRECT, scope: SCOPE, state: 's1', username: 'acme', password: 'acme password', decision: 'allow' },
    });
    const location = consent.headers.get('location') || '';
    const code = new URL(location, base).searchParams.get('code');
    expect(consent.status === 302 && code, 'redirected with a code', { status: consent.status, location });
    const grant = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: app.client_id, client_secret: app.client_secret, scope: SCOPE };
    token = (await conform(200, 'POST', '/oauth/token', { form: grant })).access_token;
    await conform(400, 'POST', '/oauth/token', { form: grant }); // a code works once
    await conform(401, 'POST', '/oauth/token', { form: { ...grant, client_secret: 'wrong' } });
  });

  await check('accounts: the signed-in user, lookups (networks/account_lookup.cpp)', async () => {
    expect(token, 'a token from the OAuth check');
    const me = await conform(200, 'GET', '/api/v1/accounts/verify_credentials', { token });
    expect(me.id === acme, 'the account of the token', me.id);
    await conform(401, 'GET', '/api/v1/accounts/verify_credentials');
    await conform(401, 'GET', '/api/v1/accounts/verify_credentials', { token: 'not-a-token' });
    await conform(200, 'GET', '/api/v1/accounts/lookup?acct=fan', { token });
    await conform(404, 'GET', '/api/v1/accounts/lookup?acct=nobody', { token });
    await conform(200, 'GET', `/api/v1/accounts/${encodeURIComponent(fan)}`, { token });
    await conform(404, 'GET', '/api/v1/accounts/4242', { token });
  });

  await check('writes: statuses (plain, reply, direct, with media), favourite, reblog', async () => {
    const media = await conform(200, 'POST', '/api/v2/media', { token, multipart: pixelForm() });
    await conform(422, 'POST', '/api/v2/media', { token, multipart: new FormData() });
    await conform(401, 'POST', '/api/v2/media', { multipart: pixelForm() });
    await conform(200, 'POST', '/api/v1/statuses', { token, json: { status: 'Hello', visibility: 'public' }, headers: { 'Idempotency-Key': 'k1' } });
    await conform(200, 'POST', '/api/v1/statuses', { token, json: { status: 'Thanks!', visibility: 'public', in_reply_to_id: mention } });
    await conform(200, 'POST', '/api/v1/statuses', { token, json: { status: '@fan in private', visibility: 'direct' } });
    await conform(200, 'POST', '/api/v1/statuses', { token, json: { status: 'A picture', visibility: 'public', media_ids: [media.id] } });
    await conform(422, 'POST', '/api/v1/statuses', { token, json: { status: '', visibility: 'public' } });
    await conform(404, 'POST', '/api/v1/statuses', { token, json: { status: 'To nothing', visibility: 'public', in_reply_to_id: '4242' } });
    await conform(401, 'POST', '/api/v1/statuses', { json: { status: 'Anonymous', visibility: 'public' } });
    for (const action of ['favourite', 'reblog']) {
      await conform(200, 'POST', `/api/v1/statuses/${fanPost}/${action}`, { token, json: {} });
      await conform(404, 'POST', `/api/v1/statuses/4242/${action}`, { token, json: {} });
      await conform(401, 'POST', `/api/v1/statuses/${fanPost}/${action}`, { json: {} });
    }
    // The fan sees acme's mention, favourite and reblog as notifications.
    await emu.post(NET, acme, '@fan thanks for asking', 'mention', fan);
    const fanNotes = await conform(200, 'GET', '/api/v1/notifications', { token: fanToken });
    expect(['mention', 'favourite', 'reblog'].every((t) => fanNotes.some((n) => n.type === t)), 'every notification type', fanNotes.map((n) => n.type));
  });

  await check('reads: notifications, an account\'s statuses, search (networks/mastodon_connector.cpp)', async () => {
    const notes = await conform(200, 'GET', `/api/v1/notifications?types%5B%5D=mention&limit=${NOTIFICATIONS_PAGE}&min_id=0`, { token });
    expect(notes.some((n) => n.status && n.status.id === mention), 'the mention', notes);
    await conform(401, 'GET', '/api/v1/notifications?types%5B%5D=mention');
    // Own statuses (with the reply, the picture) and the fan's.
    for (const account of [acme, fan]) {
      const list = await conform(200, 'GET', `/api/v1/accounts/${account}/statuses?limit=${STATUSES_PAGE}&min_id=0`, { token });
      expect(list.length > 0, 'statuses', list);
    }
    await conform(404, 'GET', `/api/v1/accounts/4242/statuses?limit=${STATUSES_PAGE}&min_id=0`, { token });
    const found = await conform(200, 'GET', `/api/v2/search?q=pricing&type=statuses&resolve=false&limit=${STATUSES_PAGE}&min_id=0`, { token });
    expect(found.statuses.length >= 2, 'the statuses with the word', found.statuses.length);
    await conform(200, 'GET', '/api/v2/search?q=fan', { token });
    await conform(401, 'GET', '/api/v2/search?q=pricing&resolve=true');
  });

  await check('failures: a spent rate limit (429) and a server error (503)', async () => {
    // The fault spends the five-minute window of the token it hits: the
    // fan's, used for nothing after this.
    await emu.fault(NET, 'rate_limit', { count: 1 });
    await conform(429, 'GET', `/api/v1/notifications?types%5B%5D=mention&limit=${NOTIFICATIONS_PAGE}&min_id=0`, { token: fanToken });
    await conform(429, 'GET', '/api/v1/accounts/verify_credentials', { token: fanToken });
    await emu.fault(NET, 'error_5xx', { count: 1 });
    await conform(503, 'GET', '/api/v1/accounts/verify_credentials', { token });
  });

  await check('also served: instance (v1, v2), conversations, the media poll, app verification', async () => {
    const v2 = await conform(200, 'GET', '/api/v2/instance');
    expect(v2.version === '4.3.0' && v2.api_versions.mastodon === 2, 'a 4.3.0 server (API version 2)', v2.version);
    await conform(200, 'GET', '/api/v1/instance');
    const convs = await conform(200, 'GET', '/api/v1/conversations', { token });
    expect(convs.length > 0, 'the direct status started a conversation', convs);
    const upload = await conform(200, 'POST', '/api/v2/media', { token, multipart: pixelForm() });
    await conform(200, 'GET', `/api/v1/media/${upload.id}`, { token });
    await conform(200, 'GET', '/api/v1/apps/verify_credentials', { token });
  });

  await check('every endpoint the product uses was validated with each of its answers', async () => {
    const missing = [];
    for (const [endpoint, statuses] of Object.entries(PRODUCT_ENDPOINTS))
      for (const s of statuses) if (!covered.get(endpoint)?.has(s)) missing.push(`${endpoint} ${s}`);
    expect(missing.length === 0, 'no endpoint or answer left out', missing);
  });
});

function pixelForm() {
  const form = new FormData();
  form.append('file', new Blob([PIXEL_PNG], { type: 'image/png' }), 'pixel.png');
  return form;
}
