// The inbox page (issue 12 item 3): /me/messages lists the holder's messages in Chinese, English
// and elder mode (axe-core checks each page), the signed-in menu links to it with the unread
// count, and "mark as read" is a form that works without JavaScript.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CITIZEN, checkA11y, go, signIn, start } from './harness.mjs';

let env;
let licenceId;

async function api(path, { token, json } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (json) headers['content-type'] = 'application/json';
  const res = await fetch(env.base + path, { method: json ? 'POST' : 'GET', headers, body: json ? JSON.stringify(json) : undefined });
  return { status: res.status, data: await res.json().catch(() => null) };
}

async function login(username) {
  const r = await api('/api/v1/session', { json: { username, password: CITIZEN.password } });
  assert.equal(r.status, 200);
  return r.data.token;
}

before(async () => {
  env = await start();
  // The citizen's social security card, approved, delivered and then suspended, through the API.
  const citizen = await login(CITIZEN.username);
  const reviewer = await login('reviewer.hrss');
  const app = await api('/api/v1/applications', {
    token: citizen,
    json: { item: 'hrss.social-security-card', channel: 'web', fields: { delivery_address: '上海市浦东新区世纪大道100号', contact_phone: '13800138000' } },
  });
  assert.equal(app.status, 201, JSON.stringify(app.data));
  for (const action of ['accept', 'approve', 'deliver']) {
    const r = await api(`/api/v1/applications/${app.data.id}/actions/${action}`, { token: reviewer, json: {} });
    assert.equal(r.status, 200, `${action}: ${JSON.stringify(r.data)}`);
  }
  licenceId = (await api('/api/v1/me/licences', { token: citizen })).data.items.find((l) => l.application === app.data.id).id;
  const r = await api(`/api/v1/licences/${licenceId}/actions/suspend`, { token: reviewer, json: { reason: '信息核查中' } });
  assert.equal(r.status, 200);
});
after(async () => { if (env) await env.stop(); });

for (const mode of [{ lang: 'zh' }, { lang: 'en' }, { lang: 'zh', elder: true }]) {
  test(`the messages page (${mode.lang}${mode.elder ? ', elder' : ''})`, async () => {
    const page = await env.newPage();
    await signIn(env, page, CITIZEN);
    if (mode.lang === 'en') await go(env, page, '/prefs?lang=en&return=/me/messages');
    if (mode.elder) await go(env, page, '/prefs?elder=1&return=/me/messages');
    await go(env, page, '/me/messages');
    assert.equal(await page.getAttribute('html', 'lang'), mode.lang === 'en' ? 'en' : 'zh');
    if (mode.elder) assert.equal(await page.getAttribute('html', 'class'), 'elder');
    const suspended = page.locator('li.message', { hasText: mode.lang === 'en' ? 'has been suspended' : '已被暂停' });
    assert.ok(await suspended.count() >= 1);
    assert.match(await suspended.first().innerText(), mode.lang === 'en' ? /Social security card/ : /社会保障卡/);
    assert.ok(await suspended.first().locator(`a[href="/licences/${licenceId}"]`).count());
    // The menu links to the inbox with the unread count.
    const nav = page.locator('.main-nav a[href="/me/messages"]');
    assert.equal(await nav.count(), 1);
    assert.match(await nav.innerText(), /\(\d+/);
    await page.context().close();
  });
}

test('marking a message read works without JavaScript and lowers the count', async () => {
  // axe-core needs JavaScript: the page was checked with it above.
  const page = await env.newPage({ javaScriptEnabled: false });
  await page.goto(`${env.base}/login`);
  await page.fill('#username', CITIZEN.username);
  await page.fill('#password', CITIZEN.password);
  await Promise.all([page.waitForNavigation(), page.locator('form[action="/login"] button[type=submit]').click()]);
  await page.goto(`${env.base}/me/messages`);
  const unread = await page.locator('li.message--unread').count();
  assert.ok(unread >= 1);
  await Promise.all([page.waitForNavigation(), page.locator('li.message--unread form button').first().click()]);
  assert.ok(page.url().endsWith('/me/messages'));
  assert.equal(await page.locator('li.message--unread').count(), unread - 1);
  await page.context().close();
});

test('someone else has none of these messages', async () => {
  const page = await env.newPage();
  await signIn(env, page, { username: 'li.na', password: CITIZEN.password });
  await go(env, page, '/me/messages');
  assert.equal(await page.locator(`a[href="/licences/${licenceId}"]`).count(), 0);
  await checkA11y(env, page);
  await page.context().close();
});
