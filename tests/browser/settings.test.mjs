// The settings page (issue 12 item 3): /me/settings shows and saves the person's email address,
// mobile number, channels and language in Chinese, English and elder mode (axe-core checks each
// page, its error state too); a bad address is refused with the error beside the input and nothing
// changes; the form works without JavaScript; GET /api/v1/me shows what was saved.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CITIZEN, checkA11y, clickAndCheck, go, signIn, start } from './harness.mjs';

let env;

before(async () => { env = await start(); });
after(async () => { if (env) await env.stop(); });

async function me(username) {
  const s = await fetch(`${env.base}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: CITIZEN.password }),
  });
  const { token } = await s.json();
  const r = await fetch(`${env.base}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  return r.json();
}

for (const mode of [{ lang: 'zh' }, { lang: 'en' }, { lang: 'zh', elder: true }]) {
  test(`the settings page (${mode.lang}${mode.elder ? ', elder' : ''}): saved, and a bad address refused`, async () => {
    const page = await env.newPage();
    await signIn(env, page, CITIZEN);
    if (mode.lang === 'en') await go(env, page, '/prefs?lang=en&return=/me/settings');
    if (mode.elder) await go(env, page, '/prefs?elder=1&return=/me/settings');
    await go(env, page, '/me/settings');
    assert.equal(await page.getAttribute('html', 'lang'), mode.lang === 'en' ? 'en' : 'zh');
    if (mode.elder) assert.equal(await page.getAttribute('html', 'class'), 'elder');
    assert.equal(await page.locator('.main-nav a[href="/me/settings"]').count(), 1);
    // A bad address: the error is shown and linked, nothing is stored.
    await page.fill('#email', 'not an address');
    await clickAndCheck(env, page, page.locator('form[action="/me/settings"] button[type=submit]'));
    assert.equal(await page.locator('.error-summary a[href="#email"]').count(), 1);
    assert.equal(await page.getAttribute('#email', 'aria-invalid'), 'true');
    assert.match(await page.locator('#email-error').innerText(), mode.lang === 'en' ? /not valid/ : /格式不正确/);
    // A good one, with SMS off.
    const address = `zhang.wei+${mode.lang}${mode.elder ? 'e' : ''}@example.com`;
    await page.fill('#email', address);
    await page.fill('#mobile', '138 1234 5678');
    await page.uncheck('#channel-sms');
    await page.check(mode.lang === 'en' ? '#language-en' : '#language-zh');
    await clickAndCheck(env, page, page.locator('form[action="/me/settings"] button[type=submit]'));
    assert.ok(page.url().endsWith('/me/settings?saved=1'));
    assert.equal(await page.locator('.notice').count(), 1);
    assert.equal(await page.inputValue('#email'), address);
    assert.equal(await page.inputValue('#mobile'), '13812345678');
    assert.equal(await page.isChecked('#channel-email'), true);
    assert.equal(await page.isChecked('#channel-sms'), false);
    const json = await me(CITIZEN.username);
    assert.equal(json.email, address);
    assert.deepEqual(json.channels, { inbox: true, email: true, sms: false });
    assert.equal(json.language, mode.lang === 'en' ? 'en' : 'zh');
    await page.context().close();
  });
}

test('the settings form works without JavaScript', async () => {
  const page = await env.newPage({ javaScriptEnabled: false });
  await page.goto(`${env.base}/login`);
  await page.fill('#username', 'li.na');
  await page.fill('#password', CITIZEN.password);
  await Promise.all([page.waitForNavigation(), page.locator('form[action="/login"] button[type=submit]').click()]);
  await page.goto(`${env.base}/me/settings`);
  await page.fill('#mobile', '13900001111');
  await Promise.all([page.waitForNavigation(), page.locator('form[action="/me/settings"] button[type=submit]').click()]);
  assert.ok(page.url().endsWith('/me/settings?saved=1'));
  const json = await me('li.na');
  assert.equal(json.mobile, '13900001111');
  assert.deepEqual(json.channels, { inbox: true, email: false, sms: true });
  await page.context().close();
});
