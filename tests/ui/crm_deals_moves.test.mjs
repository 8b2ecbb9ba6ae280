// The Deals page: a deal created with the contact picker (the API's
// refusal shown by its field), the stage filter, and a deal set to won
// there while a second browser shows the social tab: the contact's post
// moves from In negotiation to Customers on that page, without a reload
// (SPEC S-2.1, S-3.1, S-3.2, S-3.7).

import { run, signIn, column, expectCount, waitOnline, markPage, assertNotReloaded, eventually } from './harness.mjs';

await run('a deal won on the deals page moves the post of its contact to Customers on the social tab of another page', async (env) => {
  const { sim, admin, step } = env;
  const x = await env.link('x', 'acme');
  const carlX = await sim.user('x', 'carl_x', 'Carl Contact');
  const carl = await admin.ok('POST', '/contacts', { first_name: 'Carl', last_name: 'Contact' });
  await admin.ok('POST', `/contacts/${carl.id}/social-profiles`, { network: 'x', user_id: carlX, handle: 'carl_x' });

  step('a second page shows the social tab');
  const social = await env.newPage();
  await signIn(social);
  await waitOnline(social);
  await markPage(social);
  await sim.post('x', carlX, 'what does the espresso machine cost @acme #deal-1', 'mention', x.orgId);
  await expectCount(column(social, 'leads'), '#deal-1', 1, 'Carl\'s post in Leads/Contacts (no deal yet)');

  step('the deals page creates a deal: the contact is found by name, an empty name is refused by field');
  env.allowFailedRequest('/deals', 422, 'a deal is sent without a name, to see the refusal by the field');
  const deals = await env.newPage();
  await signIn(deals);
  await deals.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Deals', exact: true }).click();
  await deals.getByRole('heading', { name: 'Deals', level: 1 }).waitFor();
  await deals.getByRole('button', { name: 'New deal' }).click();
  const form = deals.locator('dialog[data-dialog="deal-form"]');
  await form.getByLabel('Contact').fill('Carl');
  await form.locator('.pick-list li', { hasText: 'Carl Contact' }).getByRole('button', { name: 'Choose' }).click();
  await form.locator('.chosen-contact', { hasText: 'Carl Contact' }).waitFor();
  await form.getByLabel('Expected revenue').fill('12000');
  await form.getByRole('button', { name: 'Create deal' }).click();
  await form.locator('.field', { has: deals.getByLabel('Deal name') }).locator('.field-error', { hasText: 'name' }).waitFor();
  await form.getByLabel('Deal name').fill('Espresso machines');
  await form.getByRole('button', { name: 'Create deal' }).click();
  await form.waitFor({ state: 'detached' });
  const row = deals.locator('table[data-list="deals"] tbody tr', { hasText: 'Espresso machines' });
  await row.getByRole('link', { name: 'Carl Contact' }).waitFor();
  await row.getByText('12,000.00').waitFor();

  step('the open deal moved the post to In negotiation on the other page');
  await expectCount(column(social, 'negotiation'), '#deal-1', 1, 'Carl\'s post in In negotiation');
  await expectCount(column(social, 'leads'), '#deal-1', 0);

  step('the stage filter: open deals only');
  await admin.ok('POST', '/deals', { contact_id: carl.id, name: 'Old grinder', amount: 90, stage: 'lost' });
  await deals.getByLabel('Stage', { exact: true }).selectOption('open');
  await eventually(async () => (await deals.locator('table[data-list="deals"] tbody tr[data-deal-id]').count()) === 1
    && (await row.count()) === 1, 'only the open deal listed');

  step('the deal set to won on the deals page moves the post to Customers there');
  await row.getByLabel('Stage of Espresso machines').selectOption('won');
  await expectCount(column(social, 'customers'), '#deal-1', 1, 'Carl\'s post in Customers');
  await expectCount(column(social, 'negotiation'), '#deal-1', 0, 'Carl\'s post gone from In negotiation');
  await assertNotReloaded(social);
  // The open filter no longer lists it; the won filter does.
  await eventually(async () => (await row.count()) === 0, 'the won deal leaves the open list');
  await deals.getByLabel('Stage', { exact: true }).selectOption('won');
  await row.locator('select').waitFor();
  if ((await row.locator('select').inputValue()) !== 'won') throw new Error('the deal is not shown as won');

  step('edit: the expected revenue changes, and the contact page shows the deal and standing');
  await row.getByRole('button', { name: 'Edit Espresso machines' }).click();
  const edit = deals.locator('dialog[data-dialog="deal-form"]');
  await edit.getByLabel('Expected revenue').fill('15000.5');
  await edit.getByRole('button', { name: 'Save deal' }).click();
  await edit.waitFor({ state: 'detached' });
  await row.getByText('15,000.50').waitFor();
  await row.getByRole('link', { name: 'Carl Contact' }).click();
  await deals.getByRole('heading', { name: 'Carl Contact', level: 1 }).waitFor();
  await deals.locator('.standing-badge[data-standing="customers"]').waitFor();
  await deals.locator('[data-related="deals"] tr', { hasText: 'Old grinder' }).waitFor();
});
