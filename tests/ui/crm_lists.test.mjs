// The Leads list pages through its records, sorts by a column header and
// keeps search, sort and page in the address, so Back from a record page
// returns to the same list (SPEC S-2.1).

import { run, signIn, eventually } from './harness.mjs';

/** Rows per list page (web/static/js/record_list.js LIST_PAGE_SIZE). */
const PAGE = 25;

await run('the leads list pages, sorts by name and creation, and comes back the same after a record page', async (env) => {
  const { admin, step } = env;
  // One more than a page, made in an order that is not the name order.
  const made = [];
  for (let i = 0; i <= PAGE; i++) {
    const n = String((i * 7) % (PAGE + 1)).padStart(2, '0');
    made.push(await admin.ok('POST', '/leads', { first_name: `Pat${n}`, last_name: `Lister${n}` }));
  }
  const page = await env.newPage();
  await signIn(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Leads', exact: true }).click();
  const rows = page.locator('table[data-list="leads"] tbody tr[data-record-id]');
  const firstName = async () => (await rows.first().locator('td').first().textContent()).trim();

  step('first page by name, then the second');
  await eventually(async () => (await rows.count()) === PAGE, `${PAGE} rows on the first page`);
  if ((await firstName()) !== 'Pat00 Lister00') throw new Error(`name order starts with ${await firstName()}`);
  if (!(await page.getByRole('button', { name: 'Previous page' }).isDisabled())) throw new Error('Previous is enabled on the first page');
  await page.getByRole('button', { name: 'Next page' }).click();
  await eventually(async () => (await rows.count()) === 1, 'one row on the second page');
  if ((await firstName()) !== `Pat${PAGE} Lister${PAGE}`) throw new Error(`second page shows ${await firstName()}`);
  if (!(await page.getByRole('button', { name: 'Next page' }).isDisabled())) throw new Error('Next is enabled on the last page');

  step('sorting by Created, newest first, starts over at the first page');
  await page.getByRole('button', { name: 'Created' }).click();
  await page.locator('th[aria-sort="ascending"]', { hasText: 'Created' }).waitFor();
  await page.getByRole('button', { name: 'Created' }).click();
  await page.locator('th[aria-sort="descending"]', { hasText: 'Created' }).waitFor();
  const newest = made[made.length - 1];
  await eventually(async () => (await rows.first().getAttribute('data-record-id')) === String(newest.id), 'the newest lead first');
  if (!page.url().includes('sort=-created')) throw new Error(`the sort is not in the address: ${page.url()}`);

  step('a record page, then Back: the same list');
  await rows.first().getByRole('link').click();
  await page.getByRole('heading', { name: `${newest.first_name} ${newest.last_name}`, level: 1 }).waitFor();
  await page.goBack();
  await page.locator('th[aria-sort="descending"]', { hasText: 'Created' }).waitFor();
  await eventually(async () => (await rows.first().getAttribute('data-record-id')) === String(newest.id), 'the list as it was');
});
