// Turning Unknown authors into CRM people moves their posts live, on the
// open page: a new lead to Leads/Contacts; a contact with an open deal to
// In negotiation; the deal won to Customers (SPEC S-3.1–S-3.4, S-3.7,
// S-5.4, S-6.3).

import { run, signIn, column, expectCount, waitOnline, markPage, assertNotReloaded } from './harness.mjs';

await run('adding an Unknown author and changing their deal moves their posts between columns without a reload', async (env) => {
  const { sim, step } = env;
  const x = await env.link('x', 'acme');
  const lena = await sim.user('x', 'lena', 'Lena Lindqvist');
  const carl = await sim.user('x', 'carl', 'Carl Contact');
  const page = await env.newPage();
  await signIn(page);
  const unknown = column(page, 'unknown');
  const leads = column(page, 'leads');
  const negotiation = column(page, 'negotiation');
  const customers = column(page, 'customers');
  await waitOnline(page);
  await markPage(page);

  step('two unknown authors mention the brand');
  await sim.post('x', lena, 'hello @acme #lena-1', 'mention', x.orgId);
  await sim.post('x', carl, 'question for @acme #carl-1', 'mention', x.orgId);
  await expectCount(unknown, '#lena-1', 1);
  await expectCount(unknown, '#carl-1', 1);

  step('+ Add Lena as a lead: her post moves to Leads/Contacts');
  await unknown.locator('article.post', { hasText: '#lena-1' }).getByRole('button', { name: 'Add' }).click();
  const add = page.locator('dialog[data-dialog="add-person"]');
  await add.waitFor();
  await add.getByRole('radio', { name: 'Lead', exact: true }).check();
  await add.getByLabel('First name').fill('Lena');
  await add.getByLabel('Last name').fill('Lindqvist');
  await add.getByRole('button', { name: 'Add to CRM' }).click();
  await add.waitFor({ state: 'detached' });
  await expectCount(leads, '#lena-1', 1, 'Lena\'s post in Leads/Contacts');
  await expectCount(unknown, '#lena-1', 0, 'Lena\'s post gone from Unknown');

  step('her next post lands in Leads/Contacts directly');
  await sim.post('x', lena, 'thanks @acme #lena-2', 'mention', x.orgId);
  await expectCount(leads, '#lena-2', 1);
  await expectCount(unknown, '#lena-2', 0);

  step('+ Add a second profile of Lena (another handle) by associating it with her record, found by name');
  const lena2 = await sim.user('x', 'lena_alt', 'L. Lindqvist');
  await sim.post('x', lena2, 'me again @acme #lena-alt', 'mention', x.orgId);
  await expectCount(unknown, '#lena-alt', 1);
  await unknown.locator('article.post', { hasText: '#lena-alt' }).getByRole('button', { name: 'Add' }).click();
  await add.waitFor();
  await add.getByRole('tab', { name: 'Existing lead or contact' }).click();
  await add.getByLabel('Find a lead or contact by name').fill('Lindq');
  await add.locator('.pick-list li', { hasText: 'Lena Lindqvist' }).getByRole('button', { name: 'Associate' }).click();
  await add.waitFor({ state: 'detached' });
  await expectCount(leads, '#lena-alt', 1, 'the associated profile\'s post in Leads/Contacts');
  await expectCount(unknown, '#lena-alt', 0);

  step('+ Add Carl as a contact: his post moves to Leads/Contacts');
  await unknown.locator('article.post', { hasText: '#carl-1' }).getByRole('button', { name: 'Add' }).click();
  await add.waitFor();
  await add.getByRole('radio', { name: 'Contact', exact: true }).check();
  await add.getByLabel('First name').fill('Carl');
  await add.getByLabel('Last name').fill('Contact');
  await add.getByRole('button', { name: 'Add to CRM' }).click();
  await add.waitFor({ state: 'detached' });
  await expectCount(leads, '#carl-1', 1, 'Carl\'s post in Leads/Contacts');

  step('an open deal from his detail view moves him to In negotiation');
  await leads.locator('article.post', { hasText: '#carl-1' }).getByRole('button', { name: 'Details' }).click();
  const detail = page.locator('dialog[data-dialog="detail"]');
  await detail.waitFor();
  await detail.getByRole('tab', { name: 'Info' }).click();
  await detail.locator('summary', { hasText: 'Add deal' }).click();
  const dealForm = detail.locator('form[data-form="deal"]');
  await dealForm.getByLabel('Deal name').fill('Espresso machines');
  await dealForm.getByLabel('Expected revenue').fill('12000');
  await dealForm.getByLabel('Stage').selectOption('open');
  await dealForm.getByRole('button', { name: 'Add deal' }).click();
  await expectCount(negotiation, '#carl-1', 1, 'Carl\'s post in In negotiation');
  await expectCount(leads, '#carl-1', 0, 'Carl\'s post gone from Leads/Contacts');
  await detail.locator('[data-standing="negotiation"]').waitFor();

  step('the deal won moves him to Customers');
  await detail.getByRole('tab', { name: 'Info' }).click();
  await detail.getByLabel('Stage of Espresso machines').selectOption('won');
  await expectCount(customers, '#carl-1', 1, 'Carl\'s post in Customers');
  await expectCount(negotiation, '#carl-1', 0, 'Carl\'s post gone from In negotiation');
  await detail.locator('[data-standing="customers"]').waitFor();
  await page.keyboard.press('Escape');
  await detail.waitFor({ state: 'detached' });
  await expectCount(leads, '#lena-1', 1, 'Lena still in Leads/Contacts');
  await assertNotReloaded(page);
});
