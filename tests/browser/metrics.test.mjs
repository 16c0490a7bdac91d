// Performance dashboards (issue 13 item 3): the public /metrics page after a case was filed and
// decided, in zh, en and elder mode at 360 px: the headline figures, each SVG chart with a text
// alternative and a table of the same numbers, the filter form used by keyboard (a plain GET form,
// so it works without JavaScript), the CSV link; axe-core clean throughout.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CITIZEN, REVIEWER, go, pickMarketItem, sampleValue, start } from './harness.mjs';

let env;
let picked;

async function api(method, path, token, body) {
  const res = await fetch(env.base + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, data: text ? JSON.parse(text) : null, text };
}

async function token(user) {
  const r = await api('POST', '/api/v1/session', null, { username: user.username, password: user.password });
  assert.equal(r.status, 200, r.text);
  return r.data.token;
}

before(async () => {
  env = await start();
  picked = await pickMarketItem(env);
  const citizen = await token(CITIZEN);
  const reviewer = await token(REVIEWER);
  const fields = {};
  for (const f of picked.asked) fields[f.name] = sampleValue(f);
  // A case needing no upload is decided; one that would need uploads stays a draft and counts nothing.
  if (picked.uploads.length === 0) {
    const made = await api('POST', '/api/v1/applications', citizen, { item: picked.item.code, fields });
    assert.equal(made.status, 201, made.text);
    for (const action of ['accept', 'approve']) {
      const r = await api('POST', `/api/v1/applications/${made.data.id}/actions/${action}`, reviewer, {});
      assert.equal(r.status, 200, r.text);
    }
  }
});
after(async () => { if (env) await env.stop(); });

for (const mode of [{ lang: 'zh' }, { lang: 'en' }, { lang: 'zh', elder: true }]) {
  test(`the dashboard (${mode.lang}${mode.elder ? ', elder' : ''}, 360 px): figures, charts with text, tables, filters by keyboard`, async () => {
    const page = await env.newPage({ locale: mode.lang === 'en' ? 'en-GB' : 'zh-CN', viewport: { width: 360, height: 740 } });
    if (mode.elder) await page.goto(`${env.base}/prefs?elder=1&return=/`);
    if (mode.lang === 'en') await page.goto(`${env.base}/prefs?lang=en&return=/`);
    // Reached from the footer of any page.
    await go(env, page, '/');
    await Promise.all([page.waitForNavigation(), page.click('footer a[href="/metrics"]')]);
    await go(env, page, page.url());
    assert.equal(await page.getAttribute('html', 'lang'), mode.lang === 'en' ? 'en' : 'zh');
    if (mode.elder) assert.ok(await page.evaluate(() => document.documentElement.classList.contains('elder')));

    // Every chart is an image with a title and a description, and a caption a reader sees.
    const charts = page.locator('figure.chart');
    assert.equal(await charts.count(), 3);
    for (let i = 0; i < 3; i++) {
      const svg = charts.nth(i).locator('svg');
      assert.equal(await svg.getAttribute('role'), 'img');
      const [titleId, descId] = (await svg.getAttribute('aria-labelledby')).split(' ');
      assert.ok((await page.locator(`#${titleId}`).textContent()).length > 0);
      assert.ok((await page.locator(`#${descId}`).textContent()).length > 0);
      assert.ok((await charts.nth(i).locator('figcaption').innerText()).length > 0);
    }
    // The trend table has the twelve months; the breakdown has the market department's row.
    const tables = page.locator('table');
    assert.equal(await tables.count(), 2);
    assert.equal(await tables.nth(0).locator('tbody tr').count(), 12);
    if (picked.uploads.length === 0) {
      const market = tables.nth(1).locator('tbody tr', { hasText: mode.lang === 'en' ? /Market/ : /市场/ });
      assert.equal(await market.count(), 1);
      assert.match(await market.locator('td').first().innerText(), /^[1-9]/);
    }

    // Filter by keyboard: the department, then submit with Enter in the month field.
    await page.focus('#metrics-department');
    await page.selectOption('#metrics-department', 'market');
    await page.focus('#metrics-month');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    await go(env, page, page.url());
    assert.match(page.url(), /department=market/);
    assert.match(await page.locator('h2#metrics-headline').innerText(), mode.lang === 'en' ? /Market/ : /市场/);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `the page is ${width} px wide`);

    // The CSV link carries the slice.
    const href = await page.locator('a[href^="/api/v1/metrics.csv"]').getAttribute('href');
    assert.match(href, /department=market/);
    const csv = await fetch(env.base + href);
    assert.equal(csv.status, 200);
    assert.match(await csv.text(), /^row,key,applications/);
  });
}
