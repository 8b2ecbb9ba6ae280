// A keyword column takes at most five terms (SPEC S-4.1, S-4.3): a sixth is
// refused with the server's error shown at the terms field, and nothing is
// saved; five are accepted.

import { run, signIn, eventually } from './harness.mjs';

await run('a keyword column with a sixth term shows the limit error and is not saved', async (env) => {
  const { admin, step } = env;
  await env.link('x', 'acme');
  const page = await env.newPage();
  await signIn(page);
  await page.locator('section.column-unknown').waitFor();

  step('six terms: refused at the field, dialog stays open, nothing stored');
  env.allowFailedRequest('/social/columns', 422, 'a column with a sixth term is sent, to see the refusal');
  await page.getByRole('button', { name: 'Column', exact: true }).click();
  const dlg = page.locator('dialog[data-dialog="add-column"]');
  await dlg.waitFor();
  const terms = dlg.getByLabel('Search terms');
  await terms.fill('coffee, espresso, latte, mocha, cortado, ristretto');
  await dlg.getByRole('button', { name: 'Add keyword column' }).click();
  const error = dlg.locator('form[data-form="keyword"] .field-error:not([hidden])');
  await error.waitFor();
  const text = (await error.textContent()).trim();
  if (!/5|five/i.test(text)) throw new Error(`the error does not name the limit: "${text}"`);
  if ((await terms.getAttribute('aria-invalid')) !== 'true') throw new Error('the terms field is not marked invalid');
  const stored = await admin.ok('GET', '/social/columns');
  if ((stored.items || []).length !== 0) throw new Error(`a column was saved: ${JSON.stringify(stored)}`);
  if (await page.locator('section.column-keyword').count() !== 0) throw new Error('a keyword column appeared');

  step('five terms: saved and shown');
  await terms.fill('coffee, espresso, latte, mocha, cortado');
  await dlg.getByRole('button', { name: 'Add keyword column' }).click();
  await dlg.waitFor({ state: 'detached' });
  await page.locator('section.column-keyword').waitFor();
  await eventually(async () => ((await admin.ok('GET', '/social/columns')).items || []).length === 1, 'one stored column');
});
