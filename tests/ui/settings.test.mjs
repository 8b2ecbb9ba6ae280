// Social settings for an administrator (SPEC S-1.5, S-1.7, S-8.2): the
// operations matrix saves per profile, the default profiles keep their
// social administrator setting, unlinking asks first, and with no account
// left the social tab welcomes the administrator again.

import { run, signIn, eventually } from './harness.mjs';

await run('an administrator edits the operations matrix and unlinks accounts after confirming', async (env) => {
  const { admin, step } = env;
  const x = await env.link('x', 'acme');
  const fb = await env.link('facebook', 'acmefb');
  const profiles = (await admin.ok('GET', '/profiles')).items;
  const standard = profiles.find((p) => p.name === 'Standard');
  const page = await env.newPage();
  await signIn(page);
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.locator(`li.account-row[data-account-id="${x.accountId}"]`).waitFor();
  await page.locator(`li.account-row[data-account-id="${fb.accountId}"]`).waitFor();

  step('grant Standard the retweet operation on X');
  await page.locator(`li.account-row[data-account-id="${x.accountId}"]`).getByRole('button', { name: 'Operations' }).click();
  const box = page.getByLabel('Retweet / boost for Standard');
  await box.waitFor();
  if (await box.isChecked()) throw new Error('Standard may retweet by default');
  await box.check();
  await page.getByRole('button', { name: 'Save operations' }).click();
  await eventually(async () => {
    const m = await admin.ok('GET', `/social/accounts/${x.accountId}/operations`);
    return (m[standard.id] || []).includes('repost');
  }, 'the matrix stored repost for Standard');

  step('the default profiles cannot have social administrator edited');
  await page.getByRole('tab', { name: 'Profiles' }).click();
  const lock = page.getByLabel('Social administrator for Standard');
  await lock.waitFor();
  if (!(await lock.isDisabled())) throw new Error('social administrator of Standard is editable');
  if (!/clone/i.test(await lock.getAttribute('title'))) throw new Error('no reason given for the locked setting');

  step('unlink asks first: Cancel keeps the account');
  await page.getByRole('tab', { name: 'Accounts' }).click();
  await page.getByRole('button', { name: 'Unlink @acme (X)' }).click();
  let confirm = page.locator('dialog[open]', { hasText: 'Unlink @acme (X)?' });
  await confirm.waitFor();
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await confirm.waitFor({ state: 'detached' });
  if (!(await admin.ok('GET', '/social/accounts')).items.some((a) => String(a.id) === x.accountId)) throw new Error('Cancel unlinked the account');

  step('confirmed: the account goes');
  await page.getByRole('button', { name: 'Unlink @acme (X)' }).click();
  confirm = page.locator('dialog[open]', { hasText: 'Unlink @acme (X)?' });
  await confirm.getByRole('button', { name: 'Unlink', exact: true }).click();
  await page.locator(`li.account-row[data-account-id="${x.accountId}"]`).waitFor({ state: 'detached' });
  if ((await admin.ok('GET', '/social/accounts')).items.some((a) => String(a.id) === x.accountId)) throw new Error('the account is still linked');

  step('the last one unlinked: the social tab welcomes the administrator again');
  await page.locator(`li.account-row[data-account-id="${fb.accountId}"]`).getByRole('button', { name: /^Unlink/ }).click();
  await page.locator('dialog[open]').getByRole('button', { name: 'Unlink', exact: true }).click();
  await page.locator(`li.account-row[data-account-id="${fb.accountId}"]`).waitFor({ state: 'detached' });
  await page.getByRole('link', { name: 'Social', exact: true }).click();
  await page.getByRole('heading', { name: 'Welcome to the social tab' }).waitFor();
});
