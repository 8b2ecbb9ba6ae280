// Every Graph call the product makes (networks/facebook_connector.cpp,
// facebook_actions.cpp, account_lookup.cpp, oauth.cpp), sent as the product
// sends it (Bearer token, same paths and `fields=`) to the emulator's
// Facebook root listener, and every field of every answer checked against
// the type Meta's business SDK declares for it (schemas/facebook/*.json,
// extracted by schemas/facebook/extract_field_types.mjs); what the SDK does
// not declare (messages, edge summaries, write answers, errors) against
// schemas/facebook/graph_reference.json, written from Graph's reference.
//
// Strict: a field of the wrong type, a requested field missing, a field
// not requested (Graph adds only `id`), a field the SDK does not know, or
// an envelope key beyond {data, paging, summary} fails the check.

import { readdirSync, readFileSync } from 'node:fs';
import { expect, run } from './harness.mjs';

const VERSION = 'v19.0';
const DIR = new URL('./schemas/facebook/', import.meta.url);
const REFERENCE = JSON.parse(readFileSync(new URL('graph_reference.json', DIR), 'utf8'));
/** SDK class name -> {field_types, edges}. */
const OBJECTS = Object.fromEntries(readdirSync(DIR)
  .filter((f) => /^[A-Z]\w*\.json$/.test(f))
  .map((f) => {
    const o = JSON.parse(readFileSync(new URL(f, DIR), 'utf8'));
    return [o.object, o];
  }));
for (const [name, o] of Object.entries(REFERENCE.objects)) OBJECTS[name] = { object: name, field_types: o.field_types, edges: {} };
/** Edges the SDK leaves untyped (AbstractCrudObject), typed from the reference. */
const UNTYPED_EDGES = { 'UnifiedThread.messages': 'Message' };
const GRAPH_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}$/;
/** Requested fields Graph leaves out when they have no value. */
const MAY_BE_ABSENT = {
  'Comment.parent': 'only a reply to a comment has a parent comment',
};

// --- Graph's field expansion, as the product writes it ---------------------

/** "id,comments.limit(0).summary(true){id}" -> [{name, modifiers, fields}]. */
export function parseFields(text) {
  let i = 0;
  const list = () => {
    const out = [];
    while (i < text.length && text[i] !== '}') {
      const f = { name: '', modifiers: {}, fields: [] };
      while (i < text.length && /\w/.test(text[i])) f.name += text[i++];
      for (;;) {
        if (text[i] === '.') {
          i++;
          let key = '';
          while (i < text.length && /\w/.test(text[i])) key += text[i++];
          const close = text.indexOf(')', i);
          f.modifiers[key] = text.slice(i + 1, close);
          i = close + 1;
        } else if (text[i] === '{') {
          i++;
          f.fields = list();
          i++; // '}'
        } else break;
      }
      out.push(f);
      if (text[i] === ',') i++;
    }
    return out;
  };
  return list();
}

// --- type checks --------------------------------------------------------------

/** Problems of `value` against an SDK type name; [] when it conforms. */
function typeProblems(value, type, where, sub = []) {
  const bad = (what) => [`${where}: ${what}, got ${JSON.stringify(value)?.slice(0, 120)}`];
  const list = /^list(?:<(.+)>)?$/.exec(type);
  if (list) {
    if (!Array.isArray(value)) return bad(`expected ${type} (an array)`);
    return list[1] ? value.flatMap((v, k) => typeProblems(v, list[1], `${where}[${k}]`, sub)) : [];
  }
  switch (type) {
    case 'string': return typeof value === 'string' ? [] : bad('expected string');
    case 'datetime': return typeof value === 'string' && GRAPH_TIME.test(value) ? [] : bad('expected datetime (ISO-8601 string)');
    case 'int': return Number.isInteger(value) ? [] : bad('expected int');
    case 'unsigned int': return Number.isInteger(value) && value >= 0 ? [] : bad('expected unsigned int');
    case 'float': return typeof value === 'number' ? [] : bad('expected float');
    case 'bool': return typeof value === 'boolean' ? [] : bad('expected bool');
    case 'Object': return isObject(value) ? [] : bad('expected Object');
    default:
      if (/_enum$|^\w+\.\w+$/.test(type)) return typeof value === 'string' ? [] : bad(`expected ${type} (a string)`);
      if (OBJECTS[type]) return nodeProblems(value, type, sub.length ? sub : null, where);
      if (/^[A-Z]\w*$/.test(type) || /^map</.test(type)) return isObject(value) ? [] : bad(`expected ${type} (an object)`);
      return [`${where}: no rule for SDK type ${type}`];
  }
}

function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Problems of one Graph node of SDK class `cls`. `requested` is the parsed
 * `fields` ([] or null: Graph's defaults, which must still be fields the
 * SDK declares).
 */
function nodeProblems(node, cls, requested, where) {
  if (!isObject(node)) return [`${where}: expected a ${cls} object, got ${JSON.stringify(node)}`];
  const schema = OBJECTS[cls];
  const problems = [];
  if (typeof node.id !== 'string') problems.push(`${where}: every node carries id as a string`);
  for (const [key, value] of Object.entries(node)) {
    const at = `${where}.${key}`;
    const spec = requested?.find((f) => f.name === key);
    if (requested?.length && !spec && key !== 'id') problems.push(`${at}: not requested (fields=${requested.map((f) => f.name)})`);
    if (key in schema.field_types) {
      problems.push(...typeProblems(value, schema.field_types[key], at, spec?.fields ?? []));
    } else if (key in schema.edges) {
      const target = schema.edges[key] === 'AbstractCrudObject' ? UNTYPED_EDGES[`${cls}.${key}`] : schema.edges[key];
      if (!target) problems.push(`${at}: edge ${cls}.${key} has no declared type`);
      else problems.push(...edgeProblems(value, target, spec, at, key));
    } else {
      problems.push(`${at}: ${cls} has no field ${key} in the business SDK`);
    }
  }
  for (const f of requested ?? [])
    if (!(f.name in node) && !MAY_BE_ABSENT[`${cls}.${f.name}`]) problems.push(`${where}: requested field ${f.name} is missing`);
  return problems;
}

/** Problems of a {data, paging?, summary?} edge page of `target` nodes. */
function edgeProblems(page, target, spec, where, edgeName) {
  if (!isObject(page)) return [`${where}: expected an edge page, got ${JSON.stringify(page)}`];
  const env = REFERENCE.edge_envelope;
  const problems = [];
  for (const key of Object.keys(page))
    if (!(key in env.field_types)) problems.push(`${where}.${key}: not part of Graph's edge envelope`);
  if (!Array.isArray(page.data)) return [...problems, `${where}.data: expected an array`];
  page.data.forEach((n, k) => problems.push(...nodeProblems(n, target, spec?.fields?.length ? spec.fields : null, `${where}.data[${k}]`)));
  if ('paging' in page) problems.push(...pagingProblems(page.paging, `${where}.paging`));
  const wantSummary = spec?.modifiers?.summary === 'true';
  if (wantSummary !== ('summary' in page)) problems.push(`${where}.summary: ${wantSummary ? 'requested with summary(true) but missing' : 'present without summary(true)'}`);
  if ('summary' in page) {
    const ref = REFERENCE.edge_summaries[edgeName];
    if (!ref) problems.push(`${where}.summary: no reference for the ${edgeName} summary`);
    else problems.push(...flatProblems(page.summary, ref.required, ref.optional, `${where}.summary`));
  }
  return problems;
}

function pagingProblems(paging, where) {
  if (!isObject(paging)) return [`${where}: expected an object`];
  const env = REFERENCE.edge_envelope;
  const problems = flatProblems(paging, {}, env.paging, where);
  if (paging.cursors) problems.push(...flatProblems(paging.cursors, env.cursors, {}, `${where}.cursors`));
  return problems;
}

/** Problems of a flat object: `required` and `optional` keys, nothing else. */
function flatProblems(obj, required, optional, where) {
  if (!isObject(obj)) return [`${where}: expected an object, got ${JSON.stringify(obj)}`];
  const problems = [];
  for (const [key, type] of Object.entries(required))
    if (!(key in obj)) problems.push(`${where}: ${key} is missing`);
  for (const [key, value] of Object.entries(obj)) {
    const type = required[key] ?? optional[key];
    if (!type) problems.push(`${where}.${key}: not a documented field`);
    else problems.push(...typeProblems(value, type, `${where}.${key}`));
  }
  return problems;
}

function conforms(problems) {
  expect(problems.length === 0, `schema problems:\n  ${problems.join('\n  ')}`);
}

// --- the product's requests -----------------------------------------------------

/** A Graph request as networks/api_client.cpp sends it. */
async function graph(emu, method, path, { token, query, form, json, body, headers = {} } = {}) {
  const url = new URL(`${emu.urls.facebook}/${VERSION}${path}`);
  for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
  const h = { Accept: 'application/json', ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let payload = body;
  if (form) {
    h['Content-Type'] = 'application/x-www-form-urlencoded';
    payload = new URLSearchParams(form).toString();
  }
  if (json) {
    h['Content-Type'] = 'application/json';
    payload = JSON.stringify(json);
  }
  const res = await fetch(url, { method, headers: h, body: payload, redirect: 'manual' });
  const text = await res.text();
  let data = null;
  try { data = JSON.parse(text); } catch { data = text; }
  return { status: res.status, headers: res.headers, body: data };
}

async function ok(emu, method, path, opts) {
  const r = await graph(emu, method, path, opts);
  expect(r.status === 200, `${method} ${path} -> 200`, { status: r.status, body: r.body });
  return r.body;
}

/** Checks a list answer of `cls` for the `fields` the request named. */
function checkList(body, cls, fields, where) {
  const spec = { fields: parseFields(fields), modifiers: {} };
  conforms(edgeProblems(body, cls, spec, where, ''));
}

/** Graph's error envelope with the code (and status) a case must carry. */
function checkError(r, status, code, where) {
  expect(r.status === status, `${where}: HTTP ${status}`, { status: r.status, body: r.body });
  expect(isObject(r.body) && Object.keys(r.body).join() === 'error', `${where}: the body is {error}`, r.body);
  const e = REFERENCE.error;
  conforms(flatProblems(r.body.error, e.required, e.optional, `${where}.error`));
  expect(r.body.error.code === code, `${where}: error.code ${code}`, r.body.error);
  return r.body.error;
}

await run('every Graph answer the product reads has the field types of Meta business SDK', async (emu, check) => {
  const owner = await emu.user('facebook', 'acme_admin', 'Acme Admin', 'pw');
  const fan = await emu.user('facebook', 'fan', 'Fan Person');
  const page = await emu.page('facebook', owner, 'Acme');
  let userToken = await emu.token('facebook', owner);
  let pageToken = await emu.token('facebook', owner, page);
  const comment = async (author, parent, text) =>
    (await emu.control('/posts', { network: 'facebook', author_id: author, text, kind: 'comment', in_reply_to: parent })).external_id;
  const post1 = await emu.post('facebook', page, 'our news', 'post');
  const post2 = await emu.post('facebook', fan, 'visitor post', 'post', page);
  await emu.post('facebook', fan, '@Acme help please', 'mention', page);
  const c1 = await comment(fan, post1, 'when?');
  await comment(owner, c1, 'tomorrow');
  await comment(fan, post1, 'nice');
  await emu.post('facebook', fan, 'hello?', 'dm', page);
  await emu.post('facebook', fan, 'anyone?', 'dm', page);
  await emu.post('facebook', fan, 'still there?', 'dm', page);

  await check('GET /oauth/access_token answers {access_token, token_type, expires_in} (oauth.cpp)', async () => {
    const redirect = 'http://127.0.0.1:9/fb';
    const back = await fetch(`${emu.urls.facebook}/${VERSION}/dialog/oauth`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: '42', redirect_uri: redirect, state: 's', scope: 'pages_show_list', username: 'acme_admin', password: 'pw', decision: 'allow' }),
    });
    expect(back.status === 302, 'the dialog redirects with a code', back.status);
    const code = new URL(back.headers.get('location')).searchParams.get('code');
    const r = await ok(emu, 'GET', '/oauth/access_token', { query: { code, redirect_uri: redirect, client_id: '42', client_secret: 's3cret' } });
    conforms(flatProblems(r, REFERENCE.write_responses['GET /oauth/access_token'].required, {}, 'token'));
    userToken = r.access_token;
  });

  await check('GET /me?fields=id,name is a User (account_lookup whoami)', async () => {
    const me = await ok(emu, 'GET', '/me', { token: userToken, query: { fields: 'id,name' } });
    conforms(nodeProblems(me, 'User', parseFields('id,name'), 'me'));
    expect(me.id === owner, 'the owner', me);
  });

  await check('GET /me/accounts?fields=id,name,access_token lists Page nodes (account_lookup pages)', async () => {
    const fields = 'id,name,access_token';
    const r = await ok(emu, 'GET', '/me/accounts', { token: userToken, query: { fields, limit: '100' } });
    expect(OBJECTS.User.edges.accounts === 'Page', 'the SDK types /accounts as Page', OBJECTS.User.edges.accounts);
    checkList(r, 'Page', fields, 'accounts');
    expect(r.data.length === 1 && r.data[0].id === page, 'the page', r.data);
    pageToken = r.data[0].access_token;
  });

  await check('GET /{id}?fields=id,name is a User or a Page (account_lookup find_user)', async () => {
    const user = await ok(emu, 'GET', `/${fan}`, { token: pageToken, query: { fields: 'id,name' } });
    conforms(nodeProblems(user, 'User', parseFields('id,name'), 'user'));
    const p = await ok(emu, 'GET', `/${page}`, { token: pageToken, query: { fields: 'id,name' } });
    conforms(nodeProblems(p, 'Page', parseFields('id,name'), 'page'));
  });

  for (const edge of ['tagged', 'feed']) {
    await check(`GET /{page}/${edge}?fields=id,message,created_time,from lists PagePost nodes (connector poll_edge)`, async () => {
      const fields = 'id,message,created_time,from';
      expect(OBJECTS.Page.edges[edge] === 'PagePost', `the SDK types /${edge} as PagePost`, OBJECTS.Page.edges[edge]);
      const r = await ok(emu, 'GET', `/${page}/${edge}`, { token: pageToken, query: { fields, limit: '100' } });
      checkList(r, 'PagePost', fields, edge);
      expect(r.data.length >= 1, 'not empty', r);
      for (const p of r.data) expect(typeof p.from.id === 'string' && typeof p.from.name === 'string', 'from carries id and name', p.from);
      // The connector's next page: paging.next and cursors.after.
      const first = await ok(emu, 'GET', `/${page}/${edge}`, { token: pageToken, query: { fields, limit: '1' } });
      checkList(first, 'PagePost', fields, `${edge}(limit 1)`);
      if (r.data.length > 1) {
        expect(typeof first.paging?.next === 'string' && typeof first.paging.cursors?.after === 'string', 'paging.next and cursors.after', first.paging);
        const second = await ok(emu, 'GET', `/${page}/${edge}`, { token: pageToken, query: { fields, limit: '1', after: first.paging.cursors.after } });
        checkList(second, 'PagePost', fields, `${edge}(after)`);
        expect(second.data[0].id === r.data[1].id, 'after continues the list', second.data);
      }
    });
  }

  await check('GET /{page}/feed?fields=id,created_time,comments.limit(0).summary(true) counts comments (connector poll_comments)', async () => {
    const fields = 'id,created_time,comments.limit(0).summary(true)';
    const r = await ok(emu, 'GET', `/${page}/feed`, { token: pageToken, query: { fields, limit: '25' } });
    checkList(r, 'PagePost', fields, 'feed');
    const p = r.data.find((x) => x.id === post1);
    expect(p.comments.data.length === 0 && p.comments.summary.total_count === 2, 'no comments listed, 2 counted', p.comments);
    const embedded = await ok(emu, 'GET', `/${page}/feed`, { token: pageToken, query: { fields: 'id,comments.summary(true)', limit: '25' } });
    checkList(embedded, 'PagePost', 'id,comments.summary(true)', 'feed(comments)');
    for (const x of embedded.data)
      expect(x.comments.data.length === Math.min(25, x.comments.summary.total_count), 'comments.summary(true) lists what it counts', x.comments);
  });

  await check('GET /{post}/comments?filter=stream&fields=id,message,created_time,from,parent lists Comment nodes (connector poll_comments)', async () => {
    const fields = 'id,message,created_time,from,parent';
    expect(OBJECTS.PagePost.edges.comments === 'Comment', 'the SDK types /comments as Comment', OBJECTS.PagePost.edges.comments);
    const r = await ok(emu, 'GET', `/${post1}/comments`, {
      token: pageToken, query: { order: 'reverse_chronological', filter: 'stream', fields, limit: '100' },
    });
    checkList(r, 'Comment', fields, 'comments');
    expect(r.data.length === 3 && r.data.filter((c) => c.parent).length === 1, 'two comments and one reply with its parent', r.data);
  });

  let conversation = '';
  await check('GET /{page}/conversations?fields=id,updated_time,messages.limit(n){...} lists UnifiedThread nodes (connector poll_messages)', async () => {
    const fields = 'id,updated_time,messages.limit(2){id,message,created_time,from}';
    expect(OBJECTS.Page.edges.conversations === 'UnifiedThread', 'the SDK types /conversations as UnifiedThread', OBJECTS.Page.edges.conversations);
    const r = await ok(emu, 'GET', `/${page}/conversations`, { token: pageToken, query: { fields, limit: '25' } });
    checkList(r, 'UnifiedThread', fields, 'conversations');
    const conv = r.data[0];
    conversation = conv.id;
    expect(conv.messages.data.length === 2 && typeof conv.messages.paging?.cursors?.after === 'string', 'two messages and the cursor to the third', conv.messages);
  });

  await check('GET /{conversation}/messages?fields=id,message,created_time,from&after= lists messages (connector read_conversation)', async () => {
    const fields = 'id,message,created_time,from';
    const first = await ok(emu, 'GET', `/${conversation}/messages`, { token: pageToken, query: { fields, limit: '2' } });
    checkList(first, 'Message', fields, 'messages');
    const rest = await ok(emu, 'GET', `/${conversation}/messages`, { token: pageToken, query: { fields, limit: '2', after: first.paging.cursors.after } });
    checkList(rest, 'Message', fields, 'messages(after)');
    expect(rest.data.length === 1 && rest.data[0].message === 'hello?', 'the oldest message last', rest.data);
  });

  await check('the writes answer as Graph documents them (facebook_actions.cpp)', async () => {
    const shapes = REFERENCE.write_responses;
    const feed = await ok(emu, 'POST', `/${page}/feed`, { token: pageToken, form: { message: 'hello' } });
    conforms(flatProblems(feed, shapes['POST /{page-id}/feed'].required, {}, 'POST feed'));
    const boundary = 'socialcrmschema';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="caption"\r\n\r\nlook\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="source"; filename="image"\r\nContent-Type: image/jpeg\r\n\r\n`),
      Buffer.alloc(1000, 7),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const photo = await ok(emu, 'POST', `/${page}/photos`, { token: pageToken, body, headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` } });
    conforms(flatProblems(photo, shapes['POST /{page-id}/photos'].required, {}, 'POST photos'));
    const reply = await ok(emu, 'POST', `/${post2}/comments`, { token: pageToken, form: { message: 'thanks' } });
    conforms(flatProblems(reply, shapes['POST /{object-id}/comments'].required, {}, 'POST comments'));
    const like = await ok(emu, 'POST', `/${post2}/likes`, { token: pageToken, form: {} });
    conforms(flatProblems(like, shapes['POST /{object-id}/likes'].required, {}, 'POST likes'));
    const sent = await ok(emu, 'POST', `/${page}/messages`, {
      token: pageToken, json: { recipient: { id: fan }, message: { text: 'yes' }, messaging_type: 'RESPONSE' },
    });
    conforms(flatProblems(sent, shapes['POST /{page-id}/messages'].required, {}, 'POST messages'));
  });

  await check('a bad request answers 400 with Graph\'s error envelope', async () => {
    const unknown = await graph(emu, 'GET', '/123456789', { token: pageToken, query: { fields: 'id' } });
    const e = checkError(unknown, 400, 100, 'unknown object');
    expect(e.type === 'GraphMethodException' && e.error_subcode === 33, 'GraphMethodException, subcode 33', e);
    const limit = await graph(emu, 'GET', `/${page}/feed`, { token: pageToken, query: { limit: 'many' } });
    checkError(limit, 400, 100, 'bad limit');
  });

  await check('a dead token answers 400 with OAuthException 190 and WWW-Authenticate invalid_token', async () => {
    const garbage = await graph(emu, 'GET', '/me', { token: 'not-a-token' });
    const e = checkError(garbage, 400, 190, 'garbage token');
    expect(e.type === 'OAuthException', 'OAuthException', e);
    expect((garbage.headers.get('www-authenticate') ?? '').startsWith('OAuth "Facebook Platform" "invalid_token"'), 'WWW-Authenticate names invalid_token', garbage.headers.get('www-authenticate'));
    const leaver = await emu.user('facebook', 'leaver');
    const token = await emu.token('facebook', leaver);
    await emu.fault('facebook', 'revoke_token', { token });
    const revoked = checkError(await graph(emu, 'GET', '/me', { token }), 400, 190, 'revoked token');
    expect(revoked.error_subcode === 460, 'subcode 460', revoked);
  });

  await check('a rate limit answers Graph\'s throttling error: code 4 for a user token, 32 for a page token', async () => {
    await emu.fault('facebook', 'rate_limit');
    const asUser = checkError(await graph(emu, 'GET', '/me', { token: userToken, query: { fields: 'id,name' } }), 400, 4, 'user throttled');
    expect(asUser.is_transient === true, 'is_transient', asUser);
    await emu.fault('facebook', 'rate_limit');
    const asPage = checkError(await graph(emu, 'GET', `/${page}/feed`, { token: pageToken }), 400, 32, 'page throttled');
    expect(asPage.is_transient === true, 'is_transient', asPage);
  });

  await check('a server fault answers 500 with Graph\'s transient error', async () => {
    await emu.fault('facebook', 'error_5xx');
    const e = checkError(await graph(emu, 'GET', `/${page}/feed`, { token: pageToken }), 500, 2, '5xx');
    expect(e.is_transient === true, 'is_transient', e);
  });
});
