// A contact made on the Contacts page, an X handle associated through the
// network's user lookup, and a mention of that user arriving live in the
// contact's Social interactions list; from the social tab one click on the
// author opens the record page, and Back returns to the columns as they
// were (SPEC S-2.1–S-2.3, S-6.4, S-3.7).

import { run, signIn, column, expectCount, waitOnline, markPage, assertNotReloaded, eventually } from './harness.mjs';

await run('a contact created in the browser gets an X handle through the lookup and its mention arrives live in Social interactions', async (env) => {
  const { sim, step } = env;
  env.allowFailedRequest('/contacts', 422, 'a contact is sent without its last name, to see the refusal by the field');
  env.allowFailedRequest('/social/lookup', 422, 'an unknown handle is looked up, to see the refusal by the field');
  env.allowFailedRequest('/social/lookup', 409, 'a handle is looked up on a network with no linked account');
  const x = await env.link('x', 'acme');
  const dana = await sim.user('x', 'dana_x', 'Dana Doe');
  const page = await env.newPage();
  await signIn(page);
  await waitOnline(page);
  await markPage(page);

  step('the navigation bar leads to Contacts');
  const nav = page.getByRole('navigation', { name: 'Main' });
  for (const name of ['Social', 'Leads', 'Contacts', 'Deals', 'Settings'])
    await nav.getByRole('link', { name, exact: true }).waitFor();
  await nav.getByRole('link', { name: 'Contacts', exact: true }).click();
  await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();

  step('the form shows the API\'s refusal next to the field it names');
  await page.getByRole('button', { name: 'New contact' }).click();
  const form = page.locator('dialog[data-dialog="person-form"]');
  await form.getByLabel('First name').fill('Dana');
  await form.getByRole('button', { name: 'Create contact' }).click();
  const lastName = form.locator('.field', { has: page.getByLabel('Last name') });
  await lastName.locator('.field-error', { hasText: 'last_name' }).waitFor();
  if ((await form.getByLabel('Last name').getAttribute('aria-invalid')) !== 'true') throw new Error('the last name is not marked invalid');

  step('a valid contact opens its record page');
  await form.getByLabel('Last name').fill('Doe');
  await form.getByLabel('E-mail').fill('dana@example.com');
  await form.getByRole('button', { name: 'Create contact' }).click();
  await form.waitFor({ state: 'detached' });
  await page.getByRole('heading', { name: 'Dana Doe', level: 1 }).waitFor();
  const record = page.locator('section.record-page');
  await record.locator('[data-fields]', { hasText: 'dana@example.com' }).waitFor();
  const interactions = record.locator('[data-related="social-interactions"]');
  await interactions.getByText('No interactions yet').waitFor();

  step('associating: an unknown handle and an unlinked network are refused where they were typed');
  await record.locator('summary', { hasText: 'Associate a profile' }).click();
  const assoc = record.locator('form[data-form="associate"]');
  await assoc.getByLabel('Handle').fill('nobody_zz_here');
  await assoc.getByRole('button', { name: 'Look up' }).click();
  await assoc.locator('.field', { has: page.getByLabel('Handle') }).locator('.field-error', { hasText: 'nobody_zz_here' }).waitFor();
  await assoc.getByLabel('Network').selectOption('mastodon');
  await assoc.getByLabel('Handle').fill('dana');
  await assoc.getByRole('button', { name: 'Look up' }).click();
  await assoc.locator('.field', { has: page.getByLabel('Network') }).locator('.field-error:not([hidden])').waitFor();

  step('the X lookup shows the match before anything is saved');
  await assoc.getByLabel('Network').selectOption('x');
  await assoc.getByLabel('Handle').fill('@dana_x');
  await assoc.getByRole('button', { name: 'Look up' }).click();
  const match = assoc.locator(`.match-card[data-user-id="${dana}"]`);
  await match.getByText('@dana_x').waitFor();
  if ((await record.locator('[data-list="profiles"] li[data-network]').count()) !== 0) throw new Error('a profile was saved before confirming');
  await match.getByRole('button', { name: 'Associate' }).click();
  await record.locator('[data-list="profiles"] li[data-network="x"]', { hasText: '@dana_x' }).waitFor();

  step('a mention by Dana arrives live in the Social interactions list');
  await sim.post('x', dana, 'hello @acme from the record page #crm-live-1', 'mention', x.orgId);
  await expectCount(interactions, '#crm-live-1', 1, 'the mention in Social interactions');
  await sim.post('x', dana, 'and again @acme #crm-live-2', 'mention', x.orgId);
  await expectCount(interactions, '#crm-live-2', 1, 'the second mention in Social interactions');
  const order = await interactions.locator('article.post .post-text').allTextContents();
  if (!order[0].includes('#crm-live-2')) throw new Error(`newest first expected, got ${JSON.stringify(order)}`);
  await assertNotReloaded(page);

  step('the Contacts list finds her by name');
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Contacts' }).click();
  await page.getByLabel('Search by name').fill('doe');
  await page.locator('table[data-list="contacts"] tbody tr', { hasText: 'Dana Doe' }).waitFor();
  await page.getByLabel('Search by name').fill('zzz-nobody');
  await page.locator('table[data-list="contacts"]', { hasText: 'No contact matches' }).waitFor();

  step('from the social tab, one click on the author opens the record, and Back returns');
  await nav.getByRole('link', { name: 'Social', exact: true }).click();
  const leads = column(page, 'leads');
  await expectCount(leads, '#crm-live-1', 1, 'the mention in Leads/Contacts');
  await leads.locator('article.post', { hasText: '#crm-live-1' }).getByRole('link', { name: 'Dana Doe' }).click();
  await page.getByRole('heading', { name: 'Dana Doe', level: 1 }).waitFor();
  if (!/#\/contacts\/\d+$/.test(page.url())) throw new Error(`not on the contact's page: ${page.url()}`);
  await page.getByRole('button', { name: '← Back to the social tab' }).click();
  await eventually(async () => (await leads.isVisible()) && (await leads.locator('article.post', { hasText: '#crm-live-1' }).count()) === 1,
    'the social tab shown again with its posts');
  await assertNotReloaded(page);
});
