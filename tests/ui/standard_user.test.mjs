// A standard user whose profile may not post on the account (SPEC S-1.5,
// S-5.3, S-8.2): the post actions are disabled with the reason, replying
// stays possible, and social settings are not offered.

import { run, signIn, column, expectCount, waitOnline, forceClickHandled, watchRequests, USER_PASSWORD } from './harness.mjs';

await run('a standard user without the post operation sees the action disabled and no social settings', async (env) => {
  const { sim, admin, step } = env;
  await env.createUser('sam@example.com', 'Standard');
  const page = await env.newPage();

  step('nothing linked yet: the tab without data and a message to contact the administrator (S-8.4)');
  await signIn(page, 'sam@example.com', USER_PASSWORD);
  await page.getByText('Please contact your administrator').waitFor();
  await column(page, 'unknown').waitFor();
  if (await page.locator('article.post').count() !== 0) throw new Error('posts shown with no account linked');
  if (await page.getByRole('heading', { name: 'Welcome to the social tab' }).count() !== 0) throw new Error('a standard user got the admin welcome');

  step('an administrator links X; the standard profile may not post on it');
  const x = await env.link('x', 'acme');
  const profiles = await admin.ok('GET', '/profiles');
  const standard = profiles.items.find((p) => p.name === 'Standard');
  await admin.ok('PUT', `/social/accounts/${x.accountId}/operations`, { [standard.id]: ['view', 'reply', 'like'] });
  await page.reload();
  const unknown = column(page, 'unknown');
  await waitOnline(page);
  if (await page.getByText('Please contact your administrator').count() !== 0) throw new Error('the no-account message stayed');

  step('no Settings in the navigation, and the settings page refuses');
  if (await page.getByRole('link', { name: 'Settings' }).count() !== 0) throw new Error('a standard user sees Settings');
  await page.goto('/#/settings/accounts');
  await page.getByRole('heading', { name: 'Social settings are for administrators' }).waitFor();
  if (await page.locator('.link-network').count() !== 0) throw new Error('link buttons are shown to a standard user');
  await page.goto('/#/');

  step('on a post: Retweet disabled with the reason, Reply and Like allowed');
  const pat = await sim.user('x', 'pat', 'Pat Doe');
  await sim.post('x', pat, 'hi @acme #std-1', 'mention', x.orgId);
  await expectCount(unknown, '#std-1', 1);
  const post = unknown.locator('article.post', { hasText: '#std-1' });
  const retweet = post.locator('button[data-action="retweet"]');
  if ((await retweet.getAttribute('aria-disabled')) !== 'true') throw new Error('Retweet is not disabled');
  const why = await retweet.getAttribute('title');
  if (!/may not/i.test(why)) throw new Error(`Retweet gives no reason: "${why}"`);
  for (const a of ['reply', 'like'])
    if ((await post.locator(`button[data-action="${a}"]`).getAttribute('aria-disabled')) === 'true') throw new Error(`${a} is disabled`);
  const retweets = watchRequests(page, /\/retweet$/);
  await forceClickHandled(retweet);
  // An allowed retweet marks its button busy at once and sends the request.
  if (await retweet.getAttribute('aria-busy') !== null) throw new Error('the disabled Retweet went busy');
  if (await page.locator('dialog[open]').count() !== 0) throw new Error('a disabled action opened a dialog');
  await retweets.settled();
  if (retweets.length !== 0) throw new Error(`a disabled action sent ${retweets.join(', ')}`);
  const reposts = (await sim.get('/published?network=x')).published.filter((e) => e.action === 'repost');
  if (reposts.length !== 0) throw new Error('a repost reached the network');

  step('compose: the X account chip is disabled with the reason; nothing can be posted');
  await page.getByRole('button', { name: 'Compose' }).click();
  const dlg = page.locator('dialog[data-dialog="compose"]');
  await dlg.waitFor();
  const chip = dlg.locator(`.chip[data-account-id="${x.accountId}"]`);
  if ((await chip.getAttribute('aria-disabled')) !== 'true') throw new Error('the X chip is not disabled');
  if (!/may not post/i.test(await chip.getAttribute('title'))) throw new Error('the X chip gives no reason');
  await dlg.getByLabel('Message').fill('trying anyway');
  await forceClickHandled(chip);
  if ((await chip.getAttribute('aria-pressed')) !== 'false') throw new Error('the disabled chip got selected');
  if (!(await dlg.locator('button[type=submit]').isDisabled())) throw new Error('Post is enabled with no account');
});
