// "Who read my data" (/me/access-log) in zh, en and elder mode: after a reviewer opens the
// citizen's case (through the API, as the workbench would), the citizen finds the page from the
// signed-in navigation, sees the read with the server's "verified against tree head N", and the
// page's script re-checks the inclusion proof in the browser with WebCrypto. Without JavaScript
// the server's check is there all the same. axe-core checks every page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CITIZEN, REVIEWER, checkA11y, signIn, start, texts } from './harness.mjs';

let env;

async function api(path, { token, method = 'GET', body } = {}) {
  const res = await fetch(env.base + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, data: await res.json().catch(() => null) };
}

async function login(user) {
  const r = await api('/api/v1/session', { method: 'POST', body: user });
  assert.equal(r.status, 200);
  return r.data.token;
}

before(async () => {
  env = await start();
  const citizen = await login(CITIZEN);
  // A market item for a person with no required upload, submitted, then opened by the reviewer.
  const items = [];
  for (let token = ''; ;) {
    const r = await api(`/api/v1/items?page_size=100${token ? `&page_token=${token}` : ''}`);
    items.push(...r.data.items);
    if (!r.data.next_page_token) break;
    token = r.data.next_page_token;
  }
  const item = ['market', 'hrss', 'police'].map((d) => items.find((i) => i.department === d && i.applicant === 'person'
    && !i.fields.some((f) => f.pattern) && !i.materials.some((m) => m.source === 'upload' && m.required))).find(Boolean);
  const reviewer = await login({ username: `reviewer.${item.department}`, password: REVIEWER.password });
  const fields = {};
  for (const f of item.fields) {
    if (f.source) continue;
    fields[f.name] = f.type === 'number' ? 1 : f.type === 'date' ? '2026-12-01' : f.type === 'select' ? f.options[0].value
      : f.type === 'boolean' ? true : f.type === 'phone' ? '13800138000' : f.type === 'email' ? 'a@example.cn'
        : f.type === 'id_number' ? '11010519491231002X' : '测试内容测试内容';
  }
  const created = await api('/api/v1/applications', { token: citizen, method: 'POST', body: { item: item.code, channel: 'web', fields } });
  assert.equal(created.status, 201, JSON.stringify(created.data));
  assert.equal((await api(`/api/v1/applications/${created.data.id}`, { token: reviewer })).status, 200);
  // Wait for the sequencer (each second).
  for (let i = 0; i < 50; i++) {
    const r = await api('/api/v1/me/access-log', { token: citizen });
    // The submission's fetches of shared data and the reviewer's read (issue 9 item 4).
    if (r.data.items.some((e) => e.dataset === 'application') && r.data.items.every((e) => e.status === 'sequenced')) break;
    await new Promise((res) => setTimeout(res, 200));
  }
});

after(async () => {
  if (env) {
    console.log(`axe-core checked ${env.checked.length} page loads`);
    await env.stop();
  }
});

for (const [lang, elder] of [['zh', false], ['en', false], ['zh', true], ['en', true]]) {
  test(`who read my data, ${lang}${elder ? ', elder mode' : ''}: the read, verified on the server and in the browser`, async () => {
    const t = texts[lang];
    const page = await env.newPage({ locale: lang === 'en' ? 'en-GB' : 'zh-CN' });
    if (elder) await page.goto(`${env.base}/prefs?elder=1&return=/`);
    await signIn(env, page, CITIZEN, lang);
    // Reached from the signed-in navigation.
    await page.locator('.main-nav a[href="/me/access-log"]').click();
    await page.waitForURL('**/me/access-log');
    await checkA11y(env, page);
    if (elder) assert.equal(await page.getAttribute('html', 'class'), 'elder');
    assert.equal((await page.locator('h1').textContent()).trim(), t['access_log.heading']);
    const rows = page.locator('table[data-access-log] tbody tr');
    assert.ok(await rows.count() >= 1);
    // The reviewer's read (the newest rows may be the person's own, from their homepage's
    // suggestions, read through the log like every read).
    const row = rows.filter({ hasText: t['role.reviewer'] }).first();
    const proofCell = row.locator('td').last();
    assert.match(await proofCell.textContent(), new RegExp(t['access_log.verified'].replace('{detail}', '\\d+')));
    // The browser's own check (WebCrypto) agrees.
    const proof = row.locator('[data-proof]');
    await proof.and(page.locator('[data-browser-verified]')).waitFor();
    assert.equal(await proof.getAttribute('data-browser-verified'), 'true');
    assert.ok((await proofCell.textContent()).includes(t['access_log.browser_verified']));
    await checkA11y(env, page);
    await page.context().close();
  });
}

test('who read my data works without JavaScript, and a tampered proof is caught by the browser check', async () => {
  // axe-core needs JavaScript: the pages were checked with it above.
  const page = await env.newPage({ locale: 'en-GB', javaScriptEnabled: false });
  await page.goto(`${env.base}/login`);
  await page.fill('#username', CITIZEN.username);
  await page.fill('#password', CITIZEN.password);
  await Promise.all([page.waitForNavigation(), page.locator('form[action="/login"] button[type=submit]').click()]);
  await page.goto(`${env.base}/me/access-log`);
  assert.match(await page.locator('table[data-access-log]').textContent(), /Verified against tree head \d+/);
  await page.context().close();

  const js = await env.newPage({ locale: 'en-GB' });
  await signIn(env, js, CITIZEN, 'en');
  // Flip a bit of the root the script checks against before it runs.
  await js.route('**/me/access-log', async (route) => {
    const res = await route.fetch();
    const html = (await res.text()).replace(/data-root="([A-Za-z0-9+/])/, (m, c) => `data-root="${c === 'A' ? 'B' : 'A'}`);
    await route.fulfill({ response: res, body: html });
  });
  await js.goto(`${env.base}/me/access-log`);
  await js.waitForSelector('[data-proof][data-browser-verified]');
  assert.equal(await js.getAttribute('[data-proof]', 'data-browser-verified'), 'false');
  await js.context().close();
});

test('officials do not get the link; signed out, the page asks to sign in', async () => {
  const page = await env.newPage({ locale: 'en-GB' });
  await page.goto(`${env.base}/me/access-log`);
  assert.ok(page.url().includes('/login'));
  await signIn(env, page, REVIEWER, 'en');
  assert.equal(await page.locator('.main-nav a[href="/me/access-log"]').count(), 0);
  await page.context().close();
});
