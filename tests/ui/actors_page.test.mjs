// Settings > Actors (issue 22, S-9.2): an administrator sees every actor,
// a source paused through the API shows as paused without a reload, the
// page's own buttons resume and poll it, and the audit log lists who did
// what.

import { run, signIn, markPage, assertNotReloaded, eventually } from './harness.mjs';

await run('the actors page shows a paused source as paused without reload and steers it', async (env) => {
  const { admin, step } = env;
  const x = await env.link('x', 'acme');
  const source = `source:account:${x.accountId}`;
  const page = await env.newPage();
  // The page watches the console's event stream: states come live.
  const sockets = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await signIn(page);
  await page.goto('/#/settings/actors');
  const row = page.locator(`tr[data-actor="${source}"]`);
  await row.waitFor();
  await page.locator('tr[data-actor="classifier"]').waitFor();
  await eventually(async () => sockets.some((u) => u.endsWith('/api/v1/admin/actors/events')), 'the page opened the actor event stream');
  await markPage(page);

  step('paused through the API: the row says paused, no reload');
  await admin.ok('POST', `/admin/actors/${source}/pause`, {});
  await page.locator(`tr[data-actor="${source}"][data-state="paused"]`).waitFor();
  await assertNotReloaded(page);

  step('the page resumes it');
  await row.getByRole('button', { name: `Resume ${source}` }).click();
  await eventually(async () => (await admin.ok('GET', `/admin/actors/${source}`)).state !== 'paused', 'the source resumed');
  await page.locator(`tr[data-actor="${source}"]:not([data-state="paused"])`).waitFor();

  step('poll now from the page counts one more poll');
  const before = (await admin.ok('GET', `/admin/actors/${source}`)).source.polls;
  await row.getByRole('button', { name: `Poll now ${source}` }).click();
  await eventually(async () => (await admin.ok('GET', `/admin/actors/${source}`)).source.polls > before, 'a poll after the click');

  step('filters and the audit log');
  await page.locator('#actors-kind').selectOption('classifier');
  await eventually(async () => (await page.locator('tr[data-actor]').count()) === 1, 'only the classifier listed');
  const audit = page.locator('[data-list="audit"] li');
  await audit.filter({ hasText: `admin@example.com resume ${source}` }).waitFor();
  await audit.filter({ hasText: `admin@example.com pause ${source}` }).waitFor();
  await assertNotReloaded(page);
});
