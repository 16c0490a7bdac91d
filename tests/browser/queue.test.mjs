// Appointments and the queue as pages (issue 11 item 4): booking a slot from an item's "Where to
// go" (a day, then a time; elder mode one step per screen), my appointments, taking a ticket
// without JavaScript, and the calling display, which refreshes itself without JavaScript (meta
// refresh) and with it (fetch, no reload). zh, en and elder mode, axe-core clean, 360 px wide.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CITIZEN, checkA11y, go, signIn, start } from './harness.mjs';

const CENTRE = 'pudong-district-centre';
let env;
let item;
let openDay;

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
  const items = [];
  for (let token = ''; ;) {
    const r = await api(`/api/v1/items?page_size=100${token ? `&page_token=${token}` : ''}`);
    items.push(...r.data.items);
    if (!r.data.next_page_token) break;
    token = r.data.next_page_token;
  }
  item = items.find((i) => (i.service_centres || []).includes(CENTRE) && i.applicant === 'person');
  assert.ok(item);
  const today = new Date(Date.now() + 8 * 3600 * 1000);
  for (let i = 1; i <= 10 && !openDay; i++) {
    const date = new Date(today.getTime() + i * 86400 * 1000).toISOString().slice(0, 10);
    const r = await api(`/api/v1/service-centres/${CENTRE}/slots?date=${date}`);
    if (r.data.slots.length > 2) openDay = date;
  }
  assert.ok(openDay);
});
after(async () => { if (env) await env.stop(); });

async function noHorizontalScroll(page) {
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 360, `the page is ${wide} px wide at 360 px`);
}

const modes = [{ lang: 'zh' }, { lang: 'en' }, { lang: 'zh', elder: true }];
modes.forEach((mode, n) => {
  test(`booking a slot from an item's page (${mode.lang}${mode.elder ? ', elder' : ''}, 360 px)`, async () => {
    const page = await env.newPage({ viewport: { width: 360, height: 740 } });
    await signIn(env, page, CITIZEN);
    if (mode.lang === 'en') await go(env, page, '/prefs?lang=en&return=/');
    if (mode.elder) await go(env, page, '/prefs?elder=1&return=/');
    await go(env, page, `/items/${item.code}`);
    const link = page.locator(`li[data-centre="${CENTRE}"] a[href^="/service-centres/${CENTRE}/book"]`);
    assert.equal(await link.count(), 1);
    await Promise.all([page.waitForNavigation(), link.click()]);
    await checkA11y(env, page);
    await noHorizontalScroll(page);
    await page.fill('#date', openDay);
    await Promise.all([page.waitForNavigation(), page.locator('form[method="get"] button[type=submit]').click()]);
    await checkA11y(env, page);
    await noHorizontalScroll(page);
    // Elder mode: one step per screen, the day's form is gone once a day is chosen.
    assert.equal(await page.locator('#date').count(), mode.elder ? 0 : 1);
    const slots = page.locator('input[name="slot"]:not([disabled])');
    assert.ok(await slots.count() > n);
    await slots.nth(n).check();
    await Promise.all([page.waitForNavigation(), page.locator('form[method="post"][action$="/book"] button[type=submit]').click()]);
    assert.match(page.url(), /\/me\/appointments\?booked=/);
    await checkA11y(env, page);
    await noHorizontalScroll(page);
    assert.match(await page.locator('.notice').first().innerText(), mode.lang === 'en' ? /is booked/ : /预约成功/);
    assert.ok(await page.locator('tr[data-appointment]').count() >= 1);
    await page.context().close();
  });
});

test('cancelling an appointment and taking a ticket work without JavaScript', async () => {
  const page = await env.newPage({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
  await page.goto(`${env.base}/login`);
  await page.fill('#username', CITIZEN.username);
  await page.fill('#password', CITIZEN.password);
  await Promise.all([page.waitForNavigation(), page.locator('form[action="/login"] button[type=submit]').click()]);
  await page.goto(`${env.base}/me/appointments`);
  const before = await page.locator('form[action$="/cancel"]').count();
  assert.ok(before >= 1);
  await Promise.all([page.waitForNavigation(), page.locator('form[action$="/cancel"] button').first().click()]);
  assert.match(page.url(), /cancelled=1/);
  assert.equal(await page.locator('form[action$="/cancel"]').count(), before - 1);
  await page.context().close();

  // An anonymous walk-in takes a ticket: the ticket page shows a B number.
  const walkIn = await env.newPage({ javaScriptEnabled: false });
  await walkIn.goto(`${env.base}/service-centres/${CENTRE}/ticket`);
  await Promise.all([walkIn.waitForNavigation(), walkIn.locator('form[method="post"] button').click()]);
  assert.match(walkIn.url(), new RegExp(`/service-centres/${CENTRE}/tickets/`));
  assert.match(await walkIn.locator('.queue-ticket-number').innerText(), /^B\d{3}$/);
  await walkIn.context().close();
});

for (const mode of [{ lang: 'zh' }, { lang: 'en' }, { lang: 'en', elder: true }]) {
  test(`the ticket and take-a-ticket pages (${mode.lang}${mode.elder ? ', elder' : ''})`, async () => {
    const page = await env.newPage({ viewport: { width: 360, height: 740 } });
    if (mode.lang === 'en') await page.goto(`${env.base}/prefs?lang=en&return=/`);
    if (mode.elder) await page.goto(`${env.base}/prefs?elder=1&return=/`);
    await go(env, page, `/service-centres/${CENTRE}/ticket`);
    await noHorizontalScroll(page);
    await Promise.all([page.waitForNavigation(), page.locator('form[method="post"] button').click()]);
    await checkA11y(env, page);
    await noHorizontalScroll(page);
    assert.match(await page.locator('h1').innerText(), mode.lang === 'en' ? /Your queue ticket/ : /您的排队号/);
    await page.context().close();
  });
}

test('the display shows the called numbers, refreshes without JavaScript and with it without a reload', async () => {
  const clerk = await login('clerk.pudong');
  const take = await api(`/api/v1/service-centres/${CENTRE}/tickets`, { json: {} });
  assert.equal(take.status, 201);
  let called = await api(`/api/v1/service-centres/${CENTRE}/tickets/next`, { token: clerk, json: { counter: '7' } });
  assert.equal(called.status, 200);

  for (const mode of [{ lang: 'zh' }, { lang: 'en' }, { lang: 'zh', elder: true }]) {
    const page = await env.newPage({ viewport: { width: 360, height: 740 } });
    if (mode.lang === 'en') await page.goto(`${env.base}/prefs?lang=en&return=/`);
    if (mode.elder) await page.goto(`${env.base}/prefs?elder=1&return=/`);
    await go(env, page, `/service-centres/${CENTRE}/display`);
    await noHorizontalScroll(page);
    assert.equal(await page.getAttribute('html', 'lang'), mode.lang);
    assert.match(await page.locator('h1').innerText(), mode.lang === 'en' ? /Now calling/ : /正在叫号/);
    const first = page.locator('tbody[data-called] tr').first();
    assert.equal(await first.locator('td').first().innerText(), called.data.number);
    assert.equal(await first.locator('td').nth(1).innerText(), '7');
    await page.context().close();
  }

  // Without JavaScript: a meta refresh (inside <noscript>, so it does not run with JavaScript).
  const html = await (await fetch(`${env.base}/service-centres/${CENTRE}/display`)).text();
  assert.match(html, /<noscript><meta http-equiv="refresh" content="\d+"><\/noscript>/);
  assert.doesNotMatch(html, /zhang|张伟|person/i);

  // With JavaScript: the next call appears without a reload.
  const page = await env.newPage();
  await page.goto(`${env.base}/service-centres/${CENTRE}/display`);
  await page.evaluate(() => { window.notReloaded = true; });
  await api(`/api/v1/service-centres/${CENTRE}/tickets`, { json: {} });
  called = await api(`/api/v1/service-centres/${CENTRE}/tickets/next`, { token: clerk, json: { counter: '8' } });
  assert.equal(called.status, 200);
  await page.waitForFunction((n) => document.querySelector('tbody[data-called] td')?.textContent === n,
    called.data.number, { timeout: 15000 });
  assert.equal(await page.evaluate(() => window.notReloaded), true);
  await checkA11y(env, page);
  await page.context().close();
});
