// An administrator signs in, links an X account and a Facebook page through
// the emulator's OAuth pages, and posts injected on the networks appear
// live in Unknown, one by one and in batch frames (SPEC S-1.2–S-1.4,
// S-3.4, S-8.4).

import { run, signIn, column, expectCount, eventually, waitOnline, markPage, assertNotReloaded } from './harness.mjs';

await run('an admin links X and a Facebook page through the OAuth pages and sees new posts live in Unknown', async (env) => {
  const { sim, step } = env;
  const page = await env.newPage();
  // The live socket's frames, as the browser receives them.
  const frames = [];
  page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));

  step('sign in as admin: nothing is linked, so the welcome screen offers Add account');
  await signIn(page);
  await page.getByRole('heading', { name: 'Welcome to the social tab' }).waitFor();
  await page.getByRole('heading', { name: 'Add account' }).waitFor();

  step('link X through the emulator\'s OAuth page');
  const xOrg = await sim.user('x', 'acme', 'Acme Inc', 'pw');
  await page.locator('button.link-network[data-network="x"]').click();
  await page.getByRole('button', { name: 'Authorize app' }).waitFor();
  await page.getByLabel('Handle').fill('acme');
  await page.getByLabel('Password').fill('pw');
  await page.getByRole('button', { name: 'Authorize app' }).click();
  await page.waitForURL(/#\/settings\/accounts/);
  await page.locator('li.account-row[data-network="x"][data-status="active"]').waitFor();

  step('link Facebook and pick the page');
  const fbOrg = await sim.user('facebook', 'acmefb', 'Acme Owner', 'pw');
  const fbPage = await sim.page('facebook', fbOrg, 'Acme Coffee');
  await page.locator('button.link-network[data-network="facebook"]').click();
  await page.getByRole('button', { name: 'Authorize app' }).waitFor();
  await page.getByLabel('Handle').fill('acmefb');
  await page.getByLabel('Password').fill('pw');
  await page.getByRole('button', { name: 'Authorize app' }).click();
  await page.waitForURL(/#\/settings\/accounts/);
  const picker = page.locator('dialog[data-dialog="page-picker"]');
  await picker.waitFor();
  await picker.getByLabel('Acme Coffee').check();
  await picker.getByRole('button', { name: 'Use this page' }).click();
  await page.locator('li.account-row[data-network="facebook"][data-status="active"]', { hasText: 'Acme Coffee' }).waitFor();

  step('open the social tab and wait for the live feed');
  await page.getByRole('link', { name: 'Social', exact: true }).click();
  const unknown = column(page, 'unknown');
  await unknown.waitFor();
  await waitOnline(page);
  await markPage(page);

  step('inject a mention on X and a tag on Facebook: both appear live in Unknown');
  const carol = await sim.user('x', 'carol', 'Carol Jones');
  const dave = await sim.user('facebook', 'dave', 'Dave Smith');
  await sim.post('x', carol, 'hey @acme, is the shop open today? #x-live-1', 'mention', xOrg);
  await sim.post('facebook', dave, 'Loved the coffee at Acme Coffee #fb-live-1', 'mention', fbPage);
  await expectCount(unknown, '#x-live-1', 1, 'the X mention in Unknown');
  await expectCount(unknown, '#fb-live-1', 1, 'the Facebook post in Unknown');
  await unknown.locator('article.post[data-network="x"]', { hasText: 'Carol Jones' }).waitFor();
  await unknown.locator('article.post[data-network="facebook"]', { hasText: 'Dave Smith' }).waitFor();

  step('a second mention arrives at the top without a reload');
  await sim.post('x', carol, 'and do you deliver? #x-live-2', 'mention', xOrg);
  await expectCount(unknown, '#x-live-2', 1, 'the second mention');
  const first = await unknown.locator('article.post').first().textContent();
  if (!first.includes('#x-live-2')) throw new Error(`the newest post is not at the top: ${first}`);
  await assertNotReloaded(page);

  step('a burst of mentions comes as batch frames (the page subscribes with batch): each post shows once');
  // All eight in one poll, for sure: a slow fault holds the answer of an X
  // poll, and the posts go in while the emulator's count of X requests
  // stays put, so no request can have seen some of them without the
  // others. Should one come in between (a machine slower than the hold),
  // only that each post shows once is checked, and the burst goes again
  // with twice the hold.
  const xStats = async () => (await sim.get('/stats')).networks.x;
  for (let attempt = 1, hold = 2000; ; attempt += 1, hold *= 2) {
    if (hold > 16000) throw new Error('no burst went in between two X requests');
    await sim.control('/faults', { network: 'x', kind: 'slow', count: 1, delay_ms: hold });
    await eventually(async () => (await xStats()).faults_pending === 0, 'an X poll held by the slow fault');
    const requests = (await xStats()).requests;
    const before = frames.length;
    const tags = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => `#x-burst-${attempt}-${i}`);
    await Promise.all(tags.map((tag, i) => sim.post('x', carol, `burst number ${i + 1} ${tag}`, 'mention', xOrg)));
    const oneBurst = (await xStats()).requests === requests;
    for (const tag of tags) await expectCount(unknown, tag, 1, `burst post ${tag}`);
    if (!oneBurst) {
      step(`an X request came in during the burst; again with a hold of ${hold * 2} ms`);
      continue;
    }
    const batches = frames.slice(before).filter((f) => f.startsWith('{"type":"batch"'));
    if (batches.length === 0) throw new Error(`no batch frame among ${frames.length - before} frames`);
    const inBatches = batches.flatMap((f) => JSON.parse(f).events).filter((e) => e.type === 'post');
    if (inBatches.length < 2) throw new Error(`a batch frame held ${inBatches.length} posts`);
    break;
  }
  await assertNotReloaded(page);
});
