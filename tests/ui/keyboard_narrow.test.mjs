// Without a mouse (issue 7: labelled controls, focus order, shortcuts for
// compose and column navigation) and in a narrow window (one column at a
// time, a column bar to jump).

import { run, signIn, column, expectCount, waitOnline } from './harness.mjs';

async function focusIn(page) {
  return page.evaluate(() => {
    const a = document.activeElement;
    const col = a.closest('section.column');
    const art = a.closest('article.post');
    return {
      tag: a.tagName.toLowerCase(),
      column: col ? [...col.classList].find((c) => c.startsWith('column-')) : null,
      index: col && art ? [...col.querySelectorAll('article.post')].indexOf(art) : -1,
      text: art ? art.textContent : '',
    };
  });
}

function expectFocus(got, column, index, what) {
  if (got.column !== column || got.index !== index)
    throw new Error(`${what}: focus is on ${JSON.stringify(got)}, not post ${index} of ${column}`);
}

await run('the social tab works from the keyboard and in a narrow window', async (env) => {
  const { sim, admin, step } = env;
  const x = await env.link('x', 'acme');
  const known = await sim.user('x', 'kim', 'Kim Known');
  const stranger = await sim.user('x', 'sol', 'Sol Stranger');
  const lead = await admin.ok('POST', '/leads', { first_name: 'Kim', last_name: 'Known' });
  await admin.ok('POST', `/leads/${lead.id}/social-profiles`, { network: 'x', user_id: known, handle: 'kim' });
  const page = await env.newPage();
  await signIn(page);
  await waitOnline(page);
  await sim.post('x', known, 'from a lead #kb-lead', 'mention', x.orgId);
  await sim.post('x', stranger, 'first #kb-u1', 'mention', x.orgId);
  await sim.post('x', stranger, 'second #kb-u2', 'mention', x.orgId);
  const unknown = column(page, 'unknown');
  await expectCount(unknown, '#kb-u2', 1);
  await expectCount(column(page, 'leads'), '#kb-lead', 1);

  step('every form control has an accessible name');
  const unnamed = await page.evaluate(() => [...document.querySelectorAll('button, select, input, textarea, a[href]')]
    .filter((el) => el.offsetParent !== null)
    .filter((el) => !(el.getAttribute('aria-label') || el.textContent.trim() || (el.labels && el.labels.length) || el.title))
    .map((el) => el.outerHTML.slice(0, 80)));
  if (unnamed.length) throw new Error(`controls without a name: ${unnamed.join(', ')}`);

  step('4 goes to Unknown, j/k move between posts, arrows between columns');
  await page.keyboard.press('4');
  expectFocus(await focusIn(page), 'column-unknown', 0, 'after 4');
  await page.keyboard.press('j');
  expectFocus(await focusIn(page), 'column-unknown', 1, 'after j');
  await page.keyboard.press('k');
  expectFocus(await focusIn(page), 'column-unknown', 0, 'after k');
  await page.keyboard.press('ArrowLeft');
  expectFocus(await focusIn(page), 'column-leads', 0, 'after ArrowLeft');
  await page.keyboard.press('ArrowRight');
  expectFocus(await focusIn(page), 'column-unknown', 0, 'after ArrowRight');

  step('Tab from a post reaches its actions; Enter on an Unknown post opens Add');
  await page.keyboard.press('Tab');
  const inside = await focusIn(page);
  if (inside.tag !== 'button' || inside.column !== 'column-unknown') throw new Error(`Tab went to ${JSON.stringify(inside)}`);
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  await page.locator('dialog[data-dialog="add-person"]').waitFor();
  await page.keyboard.press('Escape');
  await page.locator('dialog[data-dialog="add-person"]').waitFor({ state: 'detached' });
  expectFocus(await focusIn(page), 'column-unknown', 0, 'focus back after Escape');

  step('c opens compose with the focus in the message; Escape returns');
  await page.keyboard.press('c');
  const compose = page.locator('dialog[data-dialog="compose"]');
  await compose.waitFor();
  if ((await focusIn(page)).tag !== 'textarea') throw new Error('compose did not focus the message');
  await page.keyboard.type('typed without a mouse');
  await page.keyboard.press('Escape');
  await compose.waitFor({ state: 'detached' });
  expectFocus(await focusIn(page), 'column-unknown', 0, 'focus back after compose');

  step('? lists the shortcuts');
  await page.keyboard.press('?');
  await page.getByRole('heading', { name: 'Keyboard shortcuts' }).waitFor();
  await page.keyboard.press('Escape');

  step('narrow window: one column fills the width, the column bar jumps');
  await page.setViewportSize({ width: 420, height: 800 });
  const bar = page.getByRole('navigation', { name: 'Columns' });
  await bar.waitFor();
  await bar.getByRole('button', { name: 'Unknown' }).click();
  await page.waitForFunction(() => {
    const r = document.querySelector('section.column-unknown').getBoundingClientRect();
    return r.left >= 0 && r.right <= window.innerWidth + 1 && r.width > window.innerWidth * 0.8;
  });
  await unknown.locator('article.post', { hasText: '#kb-u2' }).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  if (overflow) throw new Error('the page scrolls sideways in a narrow window');
});
