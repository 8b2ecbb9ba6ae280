// Screenshots of the main screens for the README (docs/screenshots/*.png),
// the social tab's and the CRM pages' (leads-list, contact-detail, deals),
// taken against `socialcrm serve --demo`. Not a test; run it by hand:
//
//   node tests/ui/screenshots.mjs --binary build/socialcrm [--out docs/screenshots]
//
// The demo prints its admin's credentials; a second, empty server shows
// the welcome screen.

import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Child, CHROMIUM, eventually, ADMIN_EMAIL, ADMIN_PASSWORD, signIn } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const binary = arg('--binary', path.join(here, '../../build/socialcrm'));
const out = path.resolve(arg('--out', path.join(here, '../../docs/screenshots')));
mkdirSync(out, { recursive: true });
const tmp = mkdtempSync(path.join(os.tmpdir(), 'socialcrm-shots-'));
const children = [];

async function shot(page, name) {
  await page.screenshot({ path: path.join(out, `${name}.png`), animations: 'disabled' });
  console.log(`  ${name}.png`);
}

try {
  const { chromium } = await import('playwright-core');
  const demo = new Child(binary, ['serve', '--demo', '--data', path.join(tmp, 'demo'), '--listen', '127.0.0.1:0']);
  children.push(demo);
  const urlLine = await demo.waitForLine(/socialcrm listening on http:\/\//, 'serve --demo');
  const url = urlLine.slice(urlLine.indexOf('http://')).trim();
  const adminLine = await demo.waitForLine(/socialcrm demo admin: /, 'serve --demo');
  const [email, password] = adminLine.split('admin: ')[1].trim().split(/\s+/);

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: process.getuid() === 0 ? ['--no-sandbox'] : [] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: url, colorScheme: 'light' });
  const page = await context.newPage();

  await page.goto('/');
  await page.getByLabel('E-mail').waitFor();
  await shot(page, 'sign-in');
  await signIn(page, email, password);
  await page.locator('.conn[data-connection="online"]').waitFor();
  // The demo's traffic fills every column within seconds.
  await eventually(async () => {
    for (const c of ['customers', 'negotiation', 'leads', 'unknown'])
      if ((await page.locator(`section.column-${c} article.post`).count()) < 2) return false;
    return true;
  }, 'every CRM column shows posts', 60000);
  await shot(page, 'social-tab');

  await page.locator('section.column-customers article.post').first().getByRole('button', { name: 'Details' }).click();
  await page.locator('dialog[data-dialog="detail"] .pane-standing h3').waitFor();
  await shot(page, 'detail-view');
  await page.locator('dialog[data-dialog="detail"]').getByRole('tab', { name: 'Info' }).click();
  await shot(page, 'detail-info');
  await page.keyboard.press('Escape');

  await page.locator('section.column-unknown article.post').first().getByRole('button', { name: 'Add' }).click();
  await page.locator('dialog[data-dialog="add-person"]').waitFor();
  await shot(page, 'add-person');
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'Compose' }).click();
  const compose = page.locator('dialog[data-dialog="compose"]');
  await compose.getByLabel('Message').fill('Our autumn roast is in the shops today.');
  const big = Buffer.alloc(6 * 1024 * 1024);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(big);
  await compose.locator('input[type=file]').setInputFiles({ name: 'autumn-roast.png', mimeType: 'image/png', buffer: big });
  await compose.locator('.image-checks li').first().waitFor();
  await shot(page, 'compose');
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'Column', exact: true }).click();
  const add = page.locator('dialog[data-dialog="add-column"]');
  await add.getByLabel('Search terms').fill('coffee, espresso, latte, mocha, cortado, ristretto');
  await add.getByRole('button', { name: 'Add keyword column' }).click();
  await add.locator('.field-error:not([hidden])').waitFor();
  await shot(page, 'keyword-limit');
  await page.keyboard.press('Escape');

  await page.goto('/#/settings/accounts');
  await page.locator('li.account-row').first().waitFor();
  await shot(page, 'settings-accounts');
  await page.getByRole('tab', { name: 'Operations' }).click();
  await page.locator('table.matrix').waitFor();
  await shot(page, 'settings-operations');
  await page.getByRole('tab', { name: 'Profiles' }).click();
  await page.locator('[role=tabpanel]:not([hidden]) table').waitFor();
  await shot(page, 'settings-profiles');

  // The CRM pages: a list, a contact with social interactions, deals.
  await page.goto('/#/leads');
  await page.locator('table[data-list="leads"] tbody tr[data-record-id]').first().waitFor();
  await shot(page, 'leads-list');
  await page.goto('/#/');
  const known = page.locator('section.column-customers article.post a.author-link').first();
  await known.click();
  await page.locator('section.record-page [data-related="social-interactions"] article.post').first().waitFor();
  await page.locator('section.record-page [data-related="deals"] tbody tr').first().waitFor();
  await page.locator('section.record-page summary', { hasText: 'Associate a profile' }).click();
  await shot(page, 'contact-detail');
  await page.goto('/#/deals');
  await page.locator('table[data-list="deals"] tbody tr[data-deal-id]').first().waitFor();
  await shot(page, 'deals');

  // Something in the activity history: a like and a reply.
  await page.goto('/#/');
  const first = page.locator('section.column-leads article.post[data-network="x"]').first();
  await first.locator('button[data-action="like"]').click();
  await first.locator('button[data-action="like"].done').waitFor();
  await first.locator('button[data-action="reply"]').click();
  const reply = page.locator('dialog[data-dialog="act"]');
  await reply.locator('textarea').fill('Thanks for the kind words! The new roast is in the shops today.');
  await reply.getByRole('button', { name: /^Send/ }).click();
  await reply.waitFor({ state: 'detached' });
  await page.goto('/#/activity');
  await page.locator('.activity-item').first().waitFor();
  await page.getByRole('heading', { name: 'Activity history' }).waitFor();
  await shot(page, 'activity');

  const narrow = await browser.newContext({ viewport: { width: 420, height: 820 }, baseURL: url, colorScheme: 'light' });
  const small = await narrow.newPage();
  await signIn(small, email, password);
  await small.locator('section.column-customers article.post').first().waitFor();
  await shot(small, 'narrow-window');
  const dark = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: url, colorScheme: 'dark' });
  const darkPage = await dark.newPage();
  await signIn(darkPage, email, password);
  await darkPage.locator('section.column-customers article.post').first().waitFor();
  await shot(darkPage, 'social-tab-dark');

  // The welcome screen: a server with nothing linked.
  const empty = new Child(binary, ['serve', '--data', path.join(tmp, 'empty'), '--listen', '127.0.0.1:0'], {
    SOCIALCRM_ADMIN_EMAIL: ADMIN_EMAIL, SOCIALCRM_ADMIN_PASSWORD: ADMIN_PASSWORD,
  });
  children.push(empty);
  const emptyLine = await empty.waitForLine(/socialcrm listening on http:\/\//, 'serve');
  const wctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: emptyLine.slice(emptyLine.indexOf('http://')).trim() });
  const welcome = await wctx.newPage();
  await signIn(welcome);
  await welcome.getByRole('heading', { name: 'Welcome to the social tab' }).waitFor();
  await shot(welcome, 'welcome');

  await browser.close();
  console.log(`screenshots written to ${out}`);
} catch (e) {
  console.error(e.stack || e);
  process.exitCode = 1;
} finally {
  for (const c of children.reverse()) await c.stop('SIGTERM').catch(() => {});
  rmSync(tmp, { recursive: true, force: true });
}
