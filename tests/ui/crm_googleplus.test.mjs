// A Google+ association made through the API works for classification:
// the author's comment on the brand's Google+ page lands in the column of
// the contact's standing (In negotiation), and it is one of the contact's
// Social interactions; but the record page does not show the Google+
// profile itself, while it shows the contact's X profile (SPEC S-2.2,
// S-2.4, S-6.4).

import { run, signIn, column, expectCount, waitOnline } from './harness.mjs';

await run('a Google+ association made through the API classifies the posts of the author but is not shown on the record page', async (env) => {
  const { sim, admin, step } = env;
  const plus = await env.link('googleplus', 'brand');
  const gus = await sim.user('googleplus', 'gus_plus', 'Gus Plus');

  step('a contact in negotiation with a Google+ and an X profile, associated over the API');
  const contact = await admin.ok('POST', '/contacts', { first_name: 'Gus', last_name: 'Plus' });
  await admin.ok('POST', '/deals', { contact_id: contact.id, name: 'Plus deal', amount: 700 });
  await admin.ok('POST', `/contacts/${contact.id}/social-profiles`, { network: 'googleplus', user_id: gus, handle: 'gus_plus' });
  await admin.ok('POST', `/contacts/${contact.id}/social-profiles`, { network: 'x', user_id: '770001', handle: 'gus_on_x' });
  const stored = await admin.ok('GET', `/contacts/${contact.id}/social-profiles`);
  if (!stored.items.some((p) => p.network === 'googleplus')) throw new Error('the Google+ association was not stored');

  step('his comment on the brand\'s Google+ page lands in In negotiation');
  const page = await env.newPage();
  await signIn(page);
  await waitOnline(page);
  const activity = await sim.post('googleplus', plus.pageId, 'our autumn news', 'post');
  await sim.control('/posts', { network: 'googleplus', author_id: gus, text: 'count me in #gplus-1', kind: 'comment', in_reply_to: activity });
  await expectCount(column(page, 'negotiation'), '#gplus-1', 1, 'the Google+ comment in In negotiation');
  await expectCount(column(page, 'unknown'), '#gplus-1', 0);

  step('the record page lists the comment but shows only the X profile');
  await page.goto(`/#/contacts/${contact.id}`);
  await page.getByRole('heading', { name: 'Gus Plus', level: 1 }).waitFor();
  const profiles = page.locator('[data-list="profiles"]');
  await profiles.locator('li[data-network="x"]', { hasText: '@gus_on_x' }).waitFor();
  if (await profiles.locator('li[data-network="googleplus"]').count() !== 0) throw new Error('the Google+ profile is shown on the record page');
  if (await profiles.getByText('gus_plus').count() !== 0) throw new Error('the Google+ handle is shown on the record page');
  const interactions = page.locator('[data-related="social-interactions"]');
  await expectCount(interactions, '#gplus-1', 1, 'the Google+ comment in Social interactions');
  await page.locator('.standing-badge[data-standing="negotiation"]').waitFor();
  // The associate control does not offer Google+ either.
  const options = await page.locator('form[data-form="associate"] select[name="network"] option').evaluateAll((os) => os.map((o) => o.value));
  if (options.includes('googleplus')) throw new Error('Google+ is offered for association on the record page');
});
