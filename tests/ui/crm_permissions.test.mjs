// Who sees what on a record page: with no account linked the Social
// interactions list is unavailable (S-1.7) and comes back when one is
// linked; a user whose profile lacks the social profile link permission
// gets no "Associate a profile" control (S-2.3, S-8.2) while a Standard
// user, who has it, does; neither gets Settings in the navigation.

import { run, signIn, USER_PASSWORD } from './harness.mjs';

await run('without the social profile link permission the associate control is absent, and with no account linked the interactions list is unavailable', async (env) => {
  const { admin, step } = env;
  const contact = await admin.ok('POST', '/contacts', { first_name: 'Nora', last_name: 'Nolink' });
  const recordUrl = `/#/contacts/${contact.id}`;

  step('no account linked: the administrator sees the no-data state of Social interactions');
  const page = await env.newPage();
  await signIn(page);
  await page.goto(recordUrl);
  await page.getByRole('heading', { name: 'Nora Nolink', level: 1 }).waitFor();
  const related = page.locator('[data-related="social-interactions"]');
  await related.locator('[data-state="no-data"]', { hasText: 'No social account is linked' }).waitFor();
  if (await related.locator('[role="feed"]').count() !== 0) throw new Error('a feed is shown with no account linked');
  await page.locator('summary', { hasText: 'Associate a profile' }).waitFor();

  step('an account linked: the list is available again');
  await env.link('x', 'acme');
  await page.reload();
  await related.locator('[role="feed"]').waitFor();
  await related.getByText('No interactions yet').waitFor();
  if (await related.locator('[data-state="no-data"]').count() !== 0) throw new Error('the no-data state stayed');

  step('a user of a profile without the social profile link permission');
  const profiles = await admin.ok('GET', '/profiles');
  const standard = profiles.items.find((p) => p.name === 'Standard');
  const clone = await admin.ok('POST', `/profiles/${standard.id}/clone`, { name: 'Sales without linking' });
  await admin.ok('PATCH', `/profiles/${clone.id}`, { social_profile_link: false });
  await admin.ok('POST', '/users', { email: 'nolink@example.com', name: 'No Link', password: USER_PASSWORD, profile_id: String(clone.id) });
  await env.createUser('std@example.com', 'Standard');

  const nolink = await env.newPage();
  await signIn(nolink, 'nolink@example.com', USER_PASSWORD);
  await nolink.goto(recordUrl);
  await nolink.getByRole('heading', { name: 'Nora Nolink', level: 1 }).waitFor();
  await nolink.locator('[data-list="profiles"] li').first().waitFor();
  await nolink.locator('[data-related="social-interactions"] [role="feed"]').waitFor();
  if (await nolink.locator('summary', { hasText: 'Associate a profile' }).count() !== 0) throw new Error('the associate control is offered without the permission');
  if (await nolink.locator('form[data-form="associate"]').count() !== 0) throw new Error('the associate form is in the page without the permission');
  if (await nolink.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).count() !== 0) throw new Error('Settings offered to a standard user');
  // The rest of the record stays usable.
  await nolink.getByRole('button', { name: 'Edit' }).waitFor();

  step('a Standard user, who has the permission, gets the control');
  const std = await env.newPage();
  await signIn(std, 'std@example.com', USER_PASSWORD);
  await std.goto(recordUrl);
  await std.getByRole('heading', { name: 'Nora Nolink', level: 1 }).waitFor();
  await std.locator('summary', { hasText: 'Associate a profile' }).waitFor();

  step('the server refuses the association to the user without the permission too');
  env.allowFailedRequest('/contacts/{id}/social-profiles', 403, 'the page sends the association its user may not make');
  const res = await nolink.evaluate(async (id) => {
    const s = await (await fetch('/api/v1/session')).json();
    const r = await fetch(`/api/v1/contacts/${id}/social-profiles`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token },
      body: JSON.stringify({ network: 'x', user_id: '42', handle: 'someone' }),
    });
    return r.status;
  }, contact.id);
  if (res !== 403) throw new Error(`the API allowed the association (${res})`);
});
