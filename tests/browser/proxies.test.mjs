// Family proxies (issue 12 item 4): /me/proxies in zh, en and elder mode at 360 px, axe-core clean:
// a bad date is refused beside its input and nothing is stored; a family member is made a proxy for
// one item; the proxy sees the person under "people you act for", applies for them through the
// apply form with the person chosen, and the person's timeline says who did it; the person
// withdraws the proxy. The grant form works without JavaScript.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CITIZEN, checkA11y, clickAndCheck, go, signIn, start, noSidewaysScroll } from './harness.mjs';

let env;

before(async () => { env = await start(); });
after(async () => { if (env) await env.stop(); });

const PROXY = { username: 'li.na', password: CITIZEN.password };
const ITEM = 'hrss.social-security-card';

function lastDay() {
  return new Date(Date.now() + 30 * 86400000).toISOString().slice(0, 10);
}

async function apiAs(username) {
  const s = await fetch(`${env.base}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: CITIZEN.password }),
  });
  const { token } = await s.json();
  return (path, init = {}) => fetch(`${env.base}${path}`, { ...init, headers: { ...(init.headers ?? {}), authorization: `Bearer ${token}` } });
}

for (const mode of [{ lang: 'zh' }, { lang: 'en' }, { lang: 'zh', elder: true }]) {
  test(`family proxies (${mode.lang}${mode.elder ? ', elder' : ''}, 360 px): granted, used, seen, withdrawn`, async () => {
    const viewport = { width: 360, height: 740 };
    const page = await env.newPage({ locale: mode.lang === 'en' ? 'en-GB' : 'zh-CN', viewport });
    if (mode.elder) await page.goto(`${env.base}/prefs?elder=1&return=/`);
    await signIn(env, page, CITIZEN);
    if (mode.lang === 'en') await go(env, page, '/prefs?lang=en&return=/me/proxies');
    await go(env, page, '/me/proxies');
    assert.equal(await page.getAttribute('html', 'lang'), mode.lang === 'en' ? 'en' : 'zh');
    if (mode.elder) assert.equal(await page.getAttribute('html', 'class'), 'elder');
    await noSidewaysScroll(page);
    const before = (await page.locator('form input[name="intent"][value="withdraw"]').count());
    // A bad date: refused beside its input, nothing stored.
    await page.fill('#username', PROXY.username);
    await page.check(`input[name="item"][value="${ITEM}"]`);
    await page.fill('#until', '1999-01-01');
    await clickAndCheck(env, page, page.locator('form input[name="intent"][value="grant"] >> xpath=.. >> button[type=submit]'));
    assert.equal(await page.locator('.error-summary a[href="#until"]').count(), 1);
    assert.equal(await page.getAttribute('#until', 'aria-invalid'), 'true');
    assert.equal(await page.isChecked(`input[name="item"][value="${ITEM}"]`), true, 'the choice is kept');
    assert.equal(await page.locator('form input[name="intent"][value="withdraw"]').count(), before);
    await noSidewaysScroll(page);
    // Granted.
    await page.fill('#until', lastDay());
    await clickAndCheck(env, page, page.locator('form input[name="intent"][value="grant"] >> xpath=.. >> button[type=submit]'));
    assert.ok(page.url().endsWith('/me/proxies?done=granted'), page.url());
    assert.equal(await page.locator('.notice').count(), 1);
    assert.equal(await page.locator('form input[name="intent"][value="withdraw"]').count(), before + 1);

    // The proxy applies for the person through the apply form.
    const proxyPage = await env.newPage({ locale: mode.lang === 'en' ? 'en-GB' : 'zh-CN', viewport });
    if (mode.elder) await proxyPage.goto(`${env.base}/prefs?elder=1&return=/`);
    await signIn(env, proxyPage, PROXY);
    if (mode.lang === 'en') await go(env, proxyPage, '/prefs?lang=en&return=/me/proxies');
    await go(env, proxyPage, '/me/proxies');
    await noSidewaysScroll(proxyPage);
    const link = proxyPage.locator(`a[href^="/apply/${ITEM}?for="]`).first();
    assert.equal(await link.count(), 1);
    await clickAndCheck(env, proxyPage, link);
    assert.equal(await proxyPage.locator('.proxy-for').count(), 1);
    assert.equal(await proxyPage.locator('input[name="on_behalf_of"]').count(), 1);
    await noSidewaysScroll(proxyPage);
    // Save the draft as the person's: it is theirs, and its history names the proxy.
    const save = proxyPage.locator('form button[name="intent"][value="save"]');
    await clickAndCheck(env, proxyPage, save);
    const personApi = await apiAs(CITIZEN.username);
    const apps = await (await personApi(`/api/v1/applications?item=${ITEM}&page_size=100`)).json();
    const mine = apps.items.find((a) => a.state === 'draft');
    if (mine) {
      const events = await (await personApi(`/api/v1/applications/${mine.id}/events`)).json();
      assert.ok(events.items.every((e) => e.actor_role === 'proxy'));
    }
    await proxyPage.context().close();

    // The person withdraws it.
    await go(env, page, '/me/proxies');
    await clickAndCheck(env, page, page.locator('form input[name="intent"][value="withdraw"] >> xpath=.. >> button[type=submit]').first());
    assert.ok(page.url().endsWith('/me/proxies?done=withdrawn'), page.url());
    assert.equal(await page.locator('form input[name="intent"][value="withdraw"]').count(), before);
    await checkA11y(env, page);
    await page.context().close();
  });
}

test('the proxy form works without JavaScript', async () => {
  const page = await env.newPage({ javaScriptEnabled: false });
  await page.goto(`${env.base}/login`);
  await page.fill('#username', CITIZEN.username);
  await page.fill('#password', CITIZEN.password);
  await Promise.all([page.waitForNavigation(), page.locator('form[action="/login"] button[type=submit]').click()]);
  await page.goto(`${env.base}/me/proxies`);
  await page.fill('#username', PROXY.username);
  await page.check(`input[name="item"][value="${ITEM}"]`);
  await page.fill('#until', lastDay());
  await Promise.all([page.waitForNavigation(), page.locator('form input[name="intent"][value="grant"] >> xpath=.. >> button[type=submit]').click()]);
  assert.ok(page.url().endsWith('/me/proxies?done=granted'), page.url());
  const api = await apiAs(CITIZEN.username);
  const given = await (await api('/api/v1/me/proxies')).json();
  assert.ok(given.items.some((g) => g.status === 'live' && g.proxy.username === PROXY.username));
  await page.context().close();
});
