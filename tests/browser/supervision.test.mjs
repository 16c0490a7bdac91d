// Supervision records (issue 13 item 4) through the pages, in zh, en and elder mode at 360 px,
// axe-core clean: a supervisor's record form (a future date refused beside its field, what was
// typed kept, then recorded and listed), the reviewer's supervision summary on the case page of an
// enterprise's application, and the "supervision records" section of the enterprise homepage. The
// forms work without JavaScript.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkA11y, clickAndCheck, go, signIn, start, texts, noSidewaysScroll } from './harness.mjs';

let env;
let caseId;
let reviewer;
let creditCode;

const PASSWORD = 'demo-password-1';
const SUPERVISOR = { username: 'supervisor.market', password: PASSWORD };
const ADMIN = { username: 'wang.fang', password: PASSWORD };
const TAX = 'tax.tax-clearance-certificate';

async function api(username) {
  const s = await fetch(`${env.base}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }),
  });
  const { token } = await s.json();
  return async (method, path, body) => {
    const res = await fetch(`${env.base}${path}`, {
      method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, data: await res.json() };
  };
}

before(async () => {
  env = await start();
  // An application of the demo enterprise, for its department's reviewer to open.
  const admin = await api(ADMIN.username);
  const me = (await admin('GET', '/api/v1/me')).data;
  creditCode = me.enterprises[0].code;
  const item = (await admin('GET', `/api/v1/items/${TAX}`)).data;
  const fields = {};
  for (const f of item.fields) if (!f.source && f.required) fields[f.name] = f.type === 'phone' ? '13800138000' : '餐饮服务';
  const made = await admin('POST', '/api/v1/applications', { item: TAX, enterprise: creditCode, fields });
  assert.equal(made.status, 201, JSON.stringify(made.data));
  caseId = made.data.id;
  reviewer = { username: `reviewer.${item.department}`, password: PASSWORD };
});
after(async () => { if (env) await env.stop(); });

async function openAs(user, mode) {
  const page = await env.newPage({ locale: mode.lang === 'en' ? 'en-GB' : 'zh-CN', viewport: { width: 360, height: 740 } });
  await signIn(env, page, user);
  if (mode.lang === 'en') await page.goto(`${env.base}/prefs?lang=en&return=/`);
  if (mode.elder) await page.goto(`${env.base}/prefs?elder=1&return=/`);
  return page;
}

const inDays = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);

for (const mode of [{ lang: 'zh' }, { lang: 'en' }, { lang: 'zh', elder: true }]) {
  const label = `${mode.lang}${mode.elder ? ', elder' : ''}, 360 px`;
  const t = texts[mode.lang];

  test(`the supervisor's record form (${label}): refused beside its field, then recorded and listed`, async () => {
    const page = await openAs(SUPERVISOR, mode);
    // Signed in, a supervisor's workbench is the supervision records.
    await go(env, page, '/office');
    assert.match(page.url(), /\/office\/supervision$/);
    assert.equal(await page.getAttribute('html', 'lang'), mode.lang);
    if (mode.elder) assert.equal(await page.getAttribute('html', 'class'), 'elder');
    await page.fill('#lookup-code', creditCode);
    await clickAndCheck(env, page, page.locator('form[action="/office/supervision"][method="get"] button[type="submit"]'));
    await noSidewaysScroll(page);
    const rowsBefore = await page.locator('tbody tr').count();
    assert.ok(rowsBefore >= 4, 'the demo records are listed');

    const summary = `${mode.lang} 现场检查 ${Date.now()}`;
    await page.selectOption('#kind', 'violation');
    await page.fill('#date', inDays(5));
    await page.fill('#summary', summary);
    await page.fill('#rule', '食品安全法 第五十四条');
    await clickAndCheck(env, page, page.locator('form[action="/office/supervision"][method="post"] button[type="submit"]'));
    assert.equal(await page.locator('.error-summary a[href="#date"]').count(), 1);
    assert.equal(await page.getAttribute('#date', 'aria-invalid'), 'true');
    assert.ok((await page.locator('#date-error').textContent()).includes(t['error.supervision.date_future']));
    assert.equal(await page.inputValue('#summary'), summary, 'what was typed is kept');
    assert.equal(await page.locator('tbody tr').count(), rowsBefore, 'nothing was recorded');
    await noSidewaysScroll(page);

    await page.fill('#date', inDays(-1));
    await clickAndCheck(env, page, page.locator('form[action="/office/supervision"][method="post"] button[type="submit"]'));
    assert.match(page.url(), /done=1/);
    assert.equal((await page.locator('.notice').textContent()).trim(), t['supervision.recorded_notice']);
    assert.ok((await page.locator('tbody').textContent()).includes(summary));
    await noSidewaysScroll(page);
    await page.context().close();
  });

  test(`the reviewer's supervision summary on the case page (${label})`, async () => {
    const page = await openAs(reviewer, mode);
    await go(env, page, `/applications/${caseId}`);
    const section = page.locator('#supervision-summary');
    assert.equal(await section.count(), 1);
    const text = await section.textContent();
    assert.ok(text.includes(t['supervision.summary_heading']));
    assert.ok(text.includes(t['supervision.current_level']));
    assert.ok(text.includes(t['supervision.level_text'].replace('{detail}', 'B')), text);
    await noSidewaysScroll(page);
    await page.context().close();
  });

  test(`the enterprise homepage's supervision records (${label})`, async () => {
    const page = await openAs(ADMIN, mode);
    await go(env, page, '/enterprise');
    await page.locator(`input[name="enterprise"][value="${creditCode}"]`).check();
    await clickAndCheck(env, page, page.locator('form[action="/enterprise"] button[type="submit"]'));
    await go(env, page, mode.elder ? '/me' : '/me');
    if (mode.elder) {
      await clickAndCheck(env, page, page.locator('a[href="/me?section=supervision"]'));
    }
    const section = page.locator('section[aria-labelledby="home-supervision"]');
    assert.equal(await section.count(), 1);
    assert.ok((await section.textContent()).includes(t['supervision.kind.credit']));
    await checkA11y(env, page);
    await noSidewaysScroll(page);
    await page.context().close();
  });
}
