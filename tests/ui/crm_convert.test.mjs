// Converting a lead into a contact from its record page keeps its social
// profiles, interactions and notes; the lead's post in another page's
// social tab now opens the contact (SPEC S-2.1, S-2.4, S-3.7).

import { run, signIn, column, expectCount, waitOnline, markPage, assertNotReloaded, eventually } from './harness.mjs';

await run('a lead converted to a contact in the browser keeps its social profiles, interactions and notes', async (env) => {
  const { sim, admin, step } = env;
  const x = await env.link('x', 'acme');
  const lou = await sim.user('x', 'lou_x', 'Lou Lead');
  const lead = await admin.ok('POST', '/leads', { first_name: 'Lou', last_name: 'Lead', company: 'Roastery' });
  await admin.ok('POST', `/leads/${lead.id}/social-profiles`, { network: 'x', user_id: lou, handle: 'lou_x' });
  await admin.ok('POST', '/notes', { record_type: 'lead', record_id: lead.id, body: 'wants a trial pack' });

  step('the social tab shows the lead\'s post');
  const social = await env.newPage();
  await signIn(social);
  await waitOnline(social);
  await markPage(social);
  await sim.post('x', lou, 'trial pack please @acme #conv-1', 'mention', x.orgId);
  const leads = column(social, 'leads');
  await expectCount(leads, '#conv-1', 1);
  const author = leads.locator('article.post', { hasText: '#conv-1' }).getByRole('link', { name: 'Lou Lead' });
  if (!/#\/leads\//.test(await author.getAttribute('href'))) throw new Error('the author link does not open the lead');

  step('the lead page converts it');
  const page = await env.newPage();
  await signIn(page);
  await page.goto(`/#/leads/${lead.id}`);
  await page.getByRole('heading', { name: 'Lou Lead', level: 1 }).waitFor();
  await expectCount(page.locator('[data-related="social-interactions"]'), '#conv-1', 1);
  await page.getByRole('button', { name: 'Convert to contact' }).click();
  await page.locator('dialog').getByRole('button', { name: 'Convert to contact' }).click();
  await eventually(() => /#\/contacts\/\d+$/.test(page.url()), 'the contact page after converting');
  await page.getByRole('heading', { name: 'Lou Lead', level: 1 }).waitFor();
  await page.locator('.record-subtitle', { hasText: 'Contact at Roastery' }).waitFor();
  await page.locator('[data-list="profiles"] li[data-network="x"]', { hasText: '@lou_x' }).waitFor();
  await expectCount(page.locator('[data-related="social-interactions"]'), '#conv-1', 1, 'the interaction kept');
  await page.locator('[data-related="notes"] li', { hasText: 'wants a trial pack' }).waitFor();
  await page.locator('[data-fields]', { hasText: 'Converted from a lead' }).waitFor();
  const contactId = page.url().split('/').pop();

  step('the old lead is gone; the social tab\'s post names the contact now, without a reload');
  const gone = await admin.call('GET', `/leads/${lead.id}`);
  if (gone.status !== 404) throw new Error(`the lead still exists (${gone.status})`);
  await eventually(async () => (await author.getAttribute('href')) === `#/contacts/${contactId}`, 'the post links the contact');
  await expectCount(leads, '#conv-1', 1, 'the post still in Leads/Contacts');
  await assertNotReloaded(social);

  step('a new post of the author is the contact\'s and arrives live on the contact page');
  await sim.post('x', lou, 'one more question @acme #conv-2', 'mention', x.orgId);
  await expectCount(page.locator('[data-related="social-interactions"]'), '#conv-2', 1, 'the new post on the contact page');
});
