// The server restarts while the page is open (SPEC S-9.4): the page shows
// it is offline, reconnects by itself, resumes from the last event it saw
// (posts stored while it was away are replayed, not lost), and ends with
// every post exactly once, in order. A page whose first subscribe reaches
// the server late still shows what was stored meanwhile.

import { run, signIn, column, expectCount, waitOnline, markPage, assertNotReloaded, eventually } from './harness.mjs';

/** Two digits, so #rs-01 is never a prefix of #rs-10. */
const tag = (i) => `#rs-${String(i).padStart(2, '0')}`;

await run('after a server restart the page reconnects and no post is missing or doubled', async (env) => {
  const { sim, admin, step } = env;
  const x = await env.link('x', 'acme');
  const rita = await sim.user('x', 'rita', 'Rita Restart');
  const page = await env.newPage();
  await signIn(page);
  const unknown = column(page, 'unknown');
  await waitOnline(page);
  await markPage(page);

  step('three posts before the restart');
  for (let i = 1; i <= 3; i++) await sim.post('x', rita, `before ${tag(i)}`, 'mention', x.orgId);
  for (let i = 1; i <= 3; i++) await expectCount(unknown, tag(i), 1);

  step('stop the server: the page shows it is offline');
  // While the server is down and the page offline, its reconnection
  // attempts (live socket and requests) fail, as they should.
  env.allowPageError(/WebSocket connection to '\S+\/api\/v1\/live' failed/, 'the live socket cannot reconnect while the server is stopped and the page offline');
  env.allowPageError(/Failed to load resource: net::ERR_(CONNECTION_REFUSED|INTERNET_DISCONNECTED)/, 'requests cannot reach the server while it is stopped and the page offline');
  await env.restartServer(async () => {
    await page.locator('.conn[data-connection="offline"]').waitFor();
    await page.locator('.banner-offline').waitFor();
    // Keep the page away until the restarted server has stored new posts,
    // so they can only reach it through resume_from.
    await page.context().setOffline(true);
    for (let i = 4; i <= 6; i++) await sim.post('x', rita, `while away ${tag(i)}`, 'mention', x.orgId);
  });
  await admin.signIn('admin@example.com', 'correct horse battery');
  await eventually(async () => {
    const feed = await admin.ok('GET', '/social/feed?column=unknown&view=conversations');
    return [4, 5, 6].every((i) => feed.items.some((p) => p.text.includes(tag(i))));
  }, 'the restarted server stored the posts made while the page was away');
  if (await unknown.locator('article.post', { hasText: tag(4) }).count() !== 0) throw new Error('the page got posts while offline');

  step('back online: the page reconnects and gets what it missed');
  await page.context().setOffline(false);
  await waitOnline(page);
  for (let i = 4; i <= 6; i++) await expectCount(unknown, tag(i), 1, `${tag(i)} replayed exactly once`);
  if (await page.locator('.banner-offline').isVisible()) throw new Error('the offline banner stayed after reconnecting');

  step('live again: three more posts');
  for (let i = 7; i <= 9; i++) await sim.post('x', rita, `after ${tag(i)}`, 'mention', x.orgId);
  for (let i = 7; i <= 9; i++) await expectCount(unknown, tag(i), 1, `${tag(i)} exactly once`);

  step('a last post after everything: still one of each, newest first');
  await sim.post('x', rita, `last ${tag(10)}`, 'mention', x.orgId);
  await expectCount(unknown, tag(10), 1);
  for (let i = 1; i <= 10; i++) {
    const n = await unknown.locator('article.post', { hasText: tag(i) }).count();
    if (n !== 1) throw new Error(`${tag(i)} is shown ${n} times`);
  }
  const shown = await unknown.locator('article.post').evaluateAll((els) => els.map((e) => Number(e.dataset.seq)));
  if (shown.length !== 10) throw new Error(`Unknown shows ${shown.length} posts, not 10`);
  const sorted = [...shown].sort((a, b) => b - a);
  if (JSON.stringify(shown) !== JSON.stringify(sorted)) throw new Error(`posts out of order: ${shown}`);
  await assertNotReloaded(page);

  step('a new page whose subscribe is held back still shows the post stored meanwhile');
  // The subscribe, the page's first message on the socket, waits here
  // until a post is stored: the columns must not load before the server
  // has answered it, or the post would be neither loaded nor sent live.
  const late = await env.newPage();
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  let opened;
  const open = new Promise((resolve) => { opened = resolve; });
  await late.routeWebSocket(/\/api\/v1\/live$/, (ws) => {
    const server = ws.connectToServer();
    let queue = held; // messages go on in order, the first after release()
    ws.onMessage((m) => { queue = queue.then(() => server.send(m)); });
    opened();
  });
  await signIn(late);
  await open;
  await sim.post('x', rita, 'while subscribing #late-1', 'mention', x.orgId);
  await eventually(async () => {
    const feed = await admin.ok('GET', '/social/feed?column=unknown&view=conversations');
    return feed.items.some((p) => p.text.includes('#late-1'));
  }, 'the server stored the post made while the page subscribes');
  release();
  await waitOnline(late);
  await expectCount(column(late, 'unknown'), '#late-1', 1, 'the post stored before the subscribe was answered');
});
