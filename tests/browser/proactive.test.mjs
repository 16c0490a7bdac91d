// Benefits without applying (免申即享, issue 12 item 1): 王秀英 turns 65 this month; after the job's
// first run at start-up her homepage offers the elderly allowance, prominently (before the other
// sections, and in elder mode before the menu), in zh, en and elder mode, axe-core clean at 360 px;
// she confirms it in one step without JavaScript (axe needs JavaScript, so those pages are checked
// only for their content) (it is sent to civil affairs), and on a second
// server she declines it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkA11y, go, start, texts } from './harness.mjs';

const WANG = { username: 'wang.xiuying', password: 'demo-password-1' };
let env;
before(async () => { env = await start(); });
after(async () => { if (env) await env.stop(); });

async function fits360(page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `${page.url()} is ${width} px wide`);
}

async function signInPlain(env, page, user) {
  await page.goto(`${env.base}/login`);
  await page.fill('#username', user.username);
  await page.fill('#password', user.password);
  await Promise.all([page.waitForNavigation(), page.locator('form[action="/login"] button[type=submit]').click()]);
  assert.equal(new URL(page.url()).pathname, '/me');
}

// The job's first run happens at start-up, beside the server: reload until its offer shows.
async function waitForOffer(env, page, path = '/me') {
  for (let i = 0; i < 60; i++) {
    await page.goto(env.base + path);
    if (await page.locator('#home-offers').count() === 1) return;
    await page.waitForTimeout(500);
  }
  assert.fail('no offer on the homepage after 30 s');
}

for (const mode of [{ lang: 'zh' }, { lang: 'en' }, { lang: 'zh', elder: true }]) {
  test(`the offer on the homepage (${mode.lang}${mode.elder ? ', elder' : ''}), 360 px, axe clean`, async () => {
    const page = await env.newPage({ viewport: { width: 360, height: 740 } });
    await signInPlain(env, page, WANG);
    if (mode.lang === 'en') await page.goto(`${env.base}/prefs?lang=en&return=/me`);
    if (mode.elder) await page.goto(`${env.base}/prefs?elder=1&return=/me`);
    await waitForOffer(env, page);
    await checkA11y(env, page);
    await fits360(page);
    const t = texts[mode.lang];
    assert.equal((await page.locator('#home-offers').innerText()).includes(t['home.offers.title']), true);
    const card = page.locator('section[aria-labelledby="home-offers"] .offer');
    assert.equal(await card.count(), 1);
    assert.match(await card.innerText(), mode.lang === 'en' ? /Comprehensive allowance for the elderly/ : /老年综合津贴/);
    assert.equal(await card.locator('button[value="confirm"]').count(), 1);
    assert.equal(await card.locator('button[value="decline"]').count(), 1);
    // Prominent: the first section of the page (in elder mode, before the menu).
    const first = await page.locator('main section, main nav').first().getAttribute('aria-labelledby');
    assert.equal(first, 'home-offers');
    // Its own page, reached from the application's link, is clean too.
    const id = (await card.getAttribute('id')).replace('offer-', '');
    await go(env, page, `/applications/${id}/offer`);
    await fits360(page);
    assert.equal(await page.locator('form[action$="/offer"] button[value="confirm"]').count(), 1);
    await page.context().close();
  });
}

test('she confirms the offer in one step without JavaScript: it is sent to the department', async () => {
  const page = await env.newPage({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
  await signInPlain(env, page, WANG);
  await waitForOffer(env, page);
  await Promise.all([page.waitForNavigation(), page.locator('section[aria-labelledby="home-offers"] button[value="confirm"]').click()]);
  assert.match(new URL(page.url()).pathname, /^\/applications\/[^/]+$/);
  assert.equal(new URL(page.url()).searchParams.get('done'), 'confirm');
  assert.ok((await page.locator('main').innerText()).includes(texts.zh['notice.done.confirm']));
  assert.ok((await page.locator('main').innerText()).includes(texts.zh['state.submitted']));
  await page.goto(`${env.base}/me`);
  assert.equal(await page.locator('#home-offers').count(), 0, 'answered: no longer offered');
  await page.context().close();
});

test('on another server she declines it (en), without JavaScript', async () => {
  const other = await start();
  try {
    const page = await other.newPage({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
    await signInPlain(other, page, WANG);
    await page.goto(`${other.base}/prefs?lang=en&return=/me`);
    await waitForOffer(other, page);
    await Promise.all([page.waitForNavigation(), page.locator('section[aria-labelledby="home-offers"] button[value="decline"]').click()]);
    assert.equal(new URL(page.url()).searchParams.get('done'), 'decline');
    assert.ok((await page.locator('main').innerText()).includes(texts.en['notice.done.decline']));
    assert.ok((await page.locator('main').innerText()).includes(texts.en['state.declined']));
    await page.context().close();
  } finally {
    await other.stop();
  }
});
