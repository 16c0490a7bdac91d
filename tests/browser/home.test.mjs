// The homepages (issue 12 items 1 and 2): /me is the page after sign-in; 张伟 sees his applications,
// licences, the driving licence expiring with its renewal link, unread messages and suggestions
// with their reasons; 王芳 acting for her enterprise sees its home with the link to the agents'
// rights page. Chinese, English and elder mode (one section a page), axe-core clean, 360 px wide,
// and "don't suggest this again" is a form that works without JavaScript.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CITIZEN, checkA11y, go, signIn, start, texts } from './harness.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { if (env) await env.stop(); });

async function fits360(page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `${page.url()} is ${width} px wide`);
}

for (const mode of [{ lang: 'zh' }, { lang: 'en' }, { lang: 'zh', elder: true }]) {
  test(`the personal homepage after sign-in (${mode.lang}${mode.elder ? ', elder' : ''}), 360 px`, async () => {
    const page = await env.newPage({ viewport: { width: 360, height: 740 } });
    await signIn(env, page, CITIZEN);
    assert.equal(new URL(page.url()).pathname, '/me', 'the page after sign-in');
    if (mode.lang === 'en') await go(env, page, '/prefs?lang=en&return=/me');
    if (mode.elder) await go(env, page, '/prefs?elder=1&return=/me');
    await go(env, page, '/me');
    await fits360(page);
    const t = texts[mode.lang];
    assert.equal((await page.locator('h1').innerText()).trim(), t['myhome.heading']);
    if (mode.elder) {
      // One section a page: the menu first, then the section chosen.
      assert.equal(await page.locator('section').count(), 0);
      const links = page.locator('nav[aria-labelledby="home-menu-heading"] a');
      assert.ok(await links.count() >= 5);
      await go(env, page, '/me?section=expiring');
      await fits360(page);
      assert.equal(await page.locator('section').count(), 1);
      assert.ok(await page.locator('a[href="/items/police.driving-licence-renewal"]').count() >= 1);
      await go(env, page, '/me?section=suggestions');
      assert.equal(await page.locator('section').count(), 1);
      assert.ok(await page.locator('#suggestion-newborn').count() === 1);
    } else {
      for (const id of ['home-suggestions', 'home-expiring', 'home-applications', 'home-licences', 'home-messages']) {
        assert.equal(await page.locator(`#${id}`).count(), 1, id);
      }
      assert.ok(await page.locator('a[href="/items/police.driving-licence-renewal"]').count() >= 1, 'renewal link');
      const newborn = await page.locator('#suggestion-newborn').innerText();
      assert.match(newborn, mode.lang === 'en' ? /A baby born on \d{4}-\d{2}-\d{2}/ : /出生/);
      assert.ok(await page.locator('#suggestion-newborn a[href="/bundles/baby-is-born"]').count() === 1);
      assert.ok(await page.locator('#suggestion-driving-licence-renewal').count() === 1);
      assert.ok(await page.locator('a[href="/applications"]').count() >= 1);
      assert.ok(await page.locator('.main-nav a[href="/me"]').count() === 1);
    }
    await page.context().close();
  });
}

test('"don\'t suggest this again" works without JavaScript', async () => {
  const page = await env.newPage({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
  await page.goto(`${env.base}/login`);
  await page.fill('#username', 'li.na');
  await page.fill('#password', CITIZEN.password);
  await Promise.all([page.waitForNavigation(), page.locator('form[action="/login"] button[type=submit]').click()]);
  assert.equal(new URL(page.url()).pathname, '/me');
  assert.equal(await page.locator('#suggestion-newborn').count(), 1);
  await Promise.all([page.waitForNavigation(), page.locator('#suggestion-newborn form button').click()]);
  assert.equal(new URL(page.url()).pathname, '/me');
  assert.equal(await page.locator('#suggestion-newborn').count(), 0);
  await page.context().close();
});

test('the enterprise homepage for its administrator, with the agents\' rights link, in zh and en', async () => {
  for (const lang of ['zh', 'en']) {
    const page = await env.newPage({ viewport: { width: 360, height: 740 } });
    await signIn(env, page, { username: 'wang.fang', password: CITIZEN.password });
    if (lang === 'en') await go(env, page, '/prefs?lang=en&return=/me');
    // Acting for the enterprise (the switcher chooses the only one).
    await go(env, page, '/enterprise');
    await page.locator('input[name="enterprise"]:not(#enterprise-self)').first().check({ force: true });
    await Promise.all([page.waitForNavigation(), page.locator('form[action="/enterprise"] button[type=submit]').click()]);
    await go(env, page, '/me');
    await fits360(page);
    assert.equal((await page.locator('h1').innerText()).trim(), texts[lang]['myhome.heading_enterprise']);
    assert.equal(await page.locator('#home-suggestions').count(), 0);
    assert.ok(await page.locator('section[aria-labelledby="home-licences"] li').count() >= 1, 'its business licence');
    const rights = page.locator('section[aria-labelledby="home-agents"] a');
    assert.ok(await rights.count() >= 1);
    const href = await rights.first().getAttribute('href');
    assert.match(href, /^\/enterprises\/[0-9A-Z]{18}\/agents$/);
    await go(env, page, href);
    await page.context().close();
  }
});
