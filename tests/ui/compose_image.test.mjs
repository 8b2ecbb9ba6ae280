// Compose with a 6 MB image to X and Facebook (SPEC S-5.1, S-5.2): the
// per-network check shows before sending that X will refuse it; after
// sending, X is refused with the reason and Facebook posted.

import { run, signIn, eventually } from './harness.mjs';

/** A PNG signature followed by zeros: 6 MB, over X's 5 MB, under Facebook's 25 MB. */
function sixMegabytePng() {
  const buf = Buffer.alloc(6 * 1024 * 1024);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(buf);
  return buf;
}

await run('compose with a 6 MB image to X and Facebook: X refused with the reason, Facebook posted', async (env) => {
  const { sim, step } = env;
  const x = await env.link('x', 'acme');
  const fb = await env.link('facebook', 'acmefb');
  const page = await env.newPage();
  await signIn(page);
  await page.locator('section.column-unknown').waitFor();

  step('open compose: both accounts chosen');
  await page.getByRole('button', { name: 'Compose' }).click();
  const dlg = page.locator('dialog[data-dialog="compose"]');
  await dlg.waitFor();
  const xChip = dlg.locator(`.chip[data-account-id="${x.accountId}"]`);
  const fbChip = dlg.locator(`.chip[data-account-id="${fb.accountId}"]`);
  for (const chip of [xChip, fbChip])
    if ((await chip.getAttribute('aria-pressed')) !== 'true') throw new Error('an account chip is not selected');
  await dlg.getByLabel('Message').fill('Our new roast is here #launch-6mb');

  step('attach 6 MB: the check shows X over its limit, Facebook fine');
  await dlg.locator('input[type=file]').setInputFiles({ name: 'roast.png', mimeType: 'image/png', buffer: sixMegabytePng() });
  await dlg.locator(`.image-checks li.bad[data-account-id="${x.accountId}"]`, { hasText: '5 MB' }).waitFor();
  await dlg.locator(`.image-checks li.ok[data-account-id="${fb.accountId}"]`).waitFor();

  step('send: per-account results');
  await dlg.getByRole('button', { name: 'Post to 2 accounts' }).click();
  // Either the per-account results, or a refusal of the whole request.
  await dlg.locator('.results li, .form-error:not([hidden])').first().waitFor();
  const whole = dlg.locator('.form-error:not([hidden])');
  if (await whole.count()) throw new Error(`the server refused the whole post: "${(await whole.textContent()).trim()}"`);
  const refused = dlg.locator(`.results li[data-account-id="${x.accountId}"][data-status="refused"]`);
  const posted = dlg.locator(`.results li[data-account-id="${fb.accountId}"][data-status="posted"]`);
  await refused.waitFor();
  await posted.waitFor();
  const reason = (await refused.textContent()).trim();
  if (!/image|MB|large|size/i.test(reason)) throw new Error(`X's refusal gives no reason: "${reason}"`);

  step('the emulator saw the Facebook post and nothing on X');
  await eventually(async () => {
    const fbPublished = await sim.get('/published?network=facebook');
    return JSON.stringify(fbPublished).includes('#launch-6mb');
  }, 'the Facebook post in /_sim/published');
  const xPublished = await sim.get('/published?network=x');
  if (JSON.stringify(xPublished).includes('#launch-6mb')) throw new Error('X published the over-size post');
});
