// Issue 13's last pages, in zh, en and elder mode at 360 px, axe-core clean, by keyboard, and
// without JavaScript: the administrators' roles page (grant and withdraw with a required reason;
// the last administrator role refused), the role changes among the decision records with their
// side-by-side comparison, the API keys page (a key created, its secret shown once, revoked, then
// refused by the supervision API) and the enterprise's "who read our data" page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkA11y, clickAndCheck, go, signIn, start, texts, noSidewaysScroll } from './harness.mjs';

const ADMIN = { username: 'admin', password: 'demo-password-1' };
const REFORM = { username: 'reform.office', password: 'demo-password-1' };
const AGENT = { username: 'wang.fang', password: 'demo-password-1' };
const MODES = [{ lang: 'zh' }, { lang: 'en' }, { lang: 'zh', elder: true }];
let env;

before(async () => { env = await start(); });
after(async () => { if (env) await env.stop(); });

const label = (mode) => `${mode.lang}${mode.elder ? ', elder' : ''}, 360 px`;

async function openPage(mode, user) {
  const page = await env.newPage({ locale: mode.lang === 'en' ? 'en-GB' : 'zh-CN', viewport: { width: 360, height: 740 } });
  if (mode.elder) await page.goto(`${env.base}/prefs?elder=1&return=/`);
  await signIn(env, page, user);
  if (mode.lang === 'en') await page.goto(`${env.base}/prefs?lang=en&return=/`);
  return page;
}

// The enterprise switcher: act for the agent's enterprise, so /me is its homepage.
async function chooseEnterprise(page) {
  await go(env, page, '/enterprise');
  await page.locator('input[name="enterprise"]:not([value="self"])').first().check();
  await clickAndCheck(env, page, page.locator('form[action="/enterprise"] button[type="submit"]'));
}

async function apiLogin(username) {
  const r = await fetch(`${env.base}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'demo-password-1' }),
  });
  assert.equal(r.status, 200);
  return (await r.json()).token;
}

async function api(token, method, path, body) {
  const r = await fetch(env.base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, data: text ? JSON.parse(text) : null, text };
}

for (const mode of MODES) {
  const t = texts[mode.lang];

  test(`the roles page (${label(mode)}): a reason is required, a role granted and withdrawn, each recorded`, async () => {
    const page = await openPage(mode, ADMIN);
    await go(env, page, '/office/roles');
    assert.equal(await page.getAttribute('html', 'lang'), mode.lang);
    // By keyboard: type the username and press Enter.
    await page.focus('#roles-username');
    await page.keyboard.type('clerk.market');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    await go(env, page, page.url());
    assert.match(await page.locator('#current-roles').innerText(), new RegExp(t['roles.name.clerk']));

    // No reason: refused beside the field, nothing changed.
    await page.selectOption('#grant-role', 'supervisor');
    await clickAndCheck(env, page, page.locator('form[action$="/grant"] button[type=submit]'));
    assert.equal(await page.locator('#grant-reason-error').count(), 1);
    assert.match(await page.locator('#grant-reason-error').innerText(), new RegExp(t['error.roles.reason_required'].slice(0, 8)));
    assert.equal(await page.getAttribute('#grant-reason', 'aria-invalid'), 'true');
    assert.doesNotMatch(await page.locator('#current-roles').innerText(), new RegExp(t['roles.name.supervisor']));

    await page.selectOption('#grant-role', 'supervisor');
    await page.fill('#grant-reason', `inspection team (${label(mode)})`);
    await clickAndCheck(env, page, page.locator('form[action$="/grant"] button[type=submit]'));
    assert.match(await page.locator('.notice').innerText(), new RegExp(t['roles.name.supervisor']));
    assert.match(await page.locator('#current-roles').innerText(), new RegExp(t['roles.name.supervisor']));
    const newest = page.locator('table tbody tr').first();
    assert.match(await newest.innerText(), new RegExp(`inspection team \\(${label(mode).replace(/[()]/g, '\\$&')}\\)`));
    assert.match(await newest.innerText(), /admin/);

    await page.selectOption('#withdraw-role', 'supervisor');
    await page.fill('#withdraw-reason', 'inspection over');
    await clickAndCheck(env, page, page.locator('form[action$="/withdraw"] button[type=submit]'));
    assert.doesNotMatch(await page.locator('#current-roles').innerText(), new RegExp(t['roles.name.supervisor']));
    assert.match(await page.locator('table tbody tr').first().innerText(), /inspection over/);
    await noSidewaysScroll(page);

    // The platform's last administrator role is refused with a plain reason.
    await go(env, page, '/office/roles?username=admin');
    await page.selectOption('#withdraw-role', 'admin');
    await page.fill('#withdraw-reason', 'leaving');
    await clickAndCheck(env, page, page.locator('form[action$="/withdraw"] button[type=submit]'));
    assert.match(await page.locator('#withdraw-role-error').innerText(), new RegExp(t['error.roles.last_admin'].slice(0, 10)));
    assert.match(await page.locator('#current-roles').innerText(), new RegExp(t['roles.name.admin']));
    await page.context().close();
  });

  test(`role changes among the decision records (${label(mode)}): listed newest first and compared side by side`, async () => {
    const admin = await apiLogin('admin');
    const granted = await api(admin, 'POST', '/api/v1/admin/users/reviewer.hrss/roles',
      { role: 'data_owner', reason: `owns the HR data (${label(mode)})` });
    assert.equal(granted.status, 201, granted.text);
    const page = await openPage(mode, REFORM);
    await go(env, page, '/office/decisions');
    // Beside the catalogue's versions: the latest role changes.
    assert.match(await page.locator('table:not([aria-labelledby="decisions-list-title"]) tbody tr').first().innerText(),
      /reviewer\.hrss/);
    await clickAndCheck(env, page, page.locator('a[href="/office/decisions/roles"]'));
    const first = page.locator('table tbody tr').first();
    assert.match(await first.innerText(), /reviewer\.hrss/);
    assert.match(await first.innerText(), new RegExp(t['roles.name.data_owner']));
    await clickAndCheck(env, page, first.locator('a'));
    const added = page.locator('tr.diff-row--added');
    assert.equal(await added.count(), 1);
    assert.match(await added.innerText(), /reviewer\.hrss · data_owner · hrss/);
    assert.match(await page.locator('tr.diff-row').first().innerText(), /reviewer\.hrss · (data_owner|reviewer) · hrss/);
    await noSidewaysScroll(page);
    // Between two days: the form's defaults are today and today; compare from the day before.
    await go(env, page, '/office/decisions/roles');
    const today = await page.inputValue('#roles-to');
    const d = new Date(`${today}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() - 1);
    await page.fill('#roles-from', d.toISOString().slice(0, 10));
    await clickAndCheck(env, page, page.locator('form[action="/office/decisions/roles/compare"] button[type=submit]'));
    assert.ok(await page.locator('tr.diff-row--added').count() >= 1);
    await page.context().close();
    const withdrawn = await api(admin, 'DELETE', '/api/v1/admin/users/reviewer.hrss/roles/data_owner?reason=done');
    assert.equal(withdrawn.status, 200, withdrawn.text);
  });

  test(`the API keys page (${label(mode)}): a key created and shown once, revoked, then refused`, async () => {
    const page = await openPage(mode, ADMIN);
    await go(env, page, '/office/api-keys');
    await page.selectOption('#key-department', 'market');
    const name = `market inspection system ${label(mode)}`;
    await page.fill('#key-name', name);
    const [answer] = await Promise.all([
      page.waitForNavigation(),
      page.locator('form[action="/office/api-keys"] button[type=submit]').click(),
    ]);
    assert.equal(answer.status(), 201);
    assert.equal((await answer.allHeaders())['cache-control'], 'no-store');
    await checkA11y(env, page);  // the POST's own answer, not fetched again
    const key = await page.inputValue('#new-key-value');
    assert.match(key, /^tbk_[A-Za-z0-9_-]{43}$/);
    // Listed without the key; a GET of the page never shows it again.
    await go(env, page, '/office/api-keys');
    assert.equal(await page.locator('#new-key-value').count(), 0);
    assert.ok(!(await page.content()).includes(key));
    const row = page.locator('tr', { hasText: name });
    assert.equal(await row.count(), 1);
    assert.match(await row.innerText(), /[0-9a-f]{12}/);
    await noSidewaysScroll(page);

    // The key works, is revoked on the page, then refused by the supervision API.
    const agent = await apiLogin('wang.fang');
    const code = (await api(agent, 'GET', '/api/v1/me')).data.enterprises[0].code;
    const record = { kind: 'credit', date: new Date(Date.now() - 86400000).toISOString().slice(0, 10), summary: 'A 级', level: 'A' };
    const pushed = await api(key, 'POST', `/api/v1/enterprises/${code}/supervision-records`, record);
    assert.equal(pushed.status, 201, pushed.text);
    await clickAndCheck(env, page, row.locator('button[type=submit]'));
    assert.match(await page.locator('.notice').innerText(), new RegExp(name));
    assert.match(await page.locator('tr', { hasText: name }).innerText(), new RegExp(t['api_keys.revoked_text'].replace('{detail}', '').trim()));
    const refused = await api(key, 'POST', `/api/v1/enterprises/${code}/supervision-records`, record);
    assert.equal(refused.status, 401, refused.text);
    assert.equal(refused.data.error.code, 'unauthenticated');
    await page.context().close();
  });

  test(`the enterprise's "who read our data" page (${label(mode)}): a supervisor's read listed`, async () => {
    const agent = await apiLogin('wang.fang');
    const code = (await api(agent, 'GET', '/api/v1/me')).data.enterprises[0].code;
    const supervisor = await apiLogin('supervisor.market');
    assert.equal((await api(supervisor, 'GET', `/api/v1/enterprises/${code}/supervision-records`)).status, 200);
    const page = await openPage(mode, AGENT);
    await chooseEnterprise(page);
    await go(env, page, mode.elder ? '/me?section=supervision' : '/me');
    const link = page.locator(`a[href="/enterprises/${code}/access-log"]`);
    assert.equal(await link.count(), 1, 'the homepage links to the enterprise access log');
    await link.focus();
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    await go(env, page, page.url());
    const rows = page.locator('table tbody tr');
    assert.ok(await rows.count() >= 1);
    const all = await page.locator('table tbody').innerText();
    assert.match(all, new RegExp(t['role.supervisor'] ?? 'supervisor'));
    assert.match(all, /supervision/);
    await noSidewaysScroll(page);
    // A citizen may not read it.
    const citizen = await apiLogin('zhang.wei');
    const r = await fetch(`${env.base}/enterprises/${code}/access-log`, { headers: { cookie: `tongban_session=${citizen}` }, redirect: 'manual' });
    assert.equal(r.status, 403);
    await page.context().close();
  });
}

test('the three pages work without JavaScript', async () => {
  // axe-core needs JavaScript: the pages were checked with it above.
  const noScript = async (user) => {
    const page = await env.newPage({ locale: 'en-GB', javaScriptEnabled: false });
    await page.goto(`${env.base}/login`);
    await page.fill('#username', user.username);
    await page.fill('#password', user.password);
    await submit(page, 'form[action="/login"] button[type=submit]');
    return page;
  };
  const submit = (page, selector) => Promise.all([page.waitForNavigation(), page.locator(selector).first().click()]);
  const page = await noScript(ADMIN);
  await page.goto(`${env.base}/office/roles?username=owner.police`);
  await page.selectOption('#grant-role', 'supervisor');
  await page.fill('#grant-reason', 'no script needed');
  await submit(page, 'form[action$="/grant"] button[type=submit]');
  assert.match(await page.locator('table tbody tr').first().innerText(), /no script needed/);
  await page.goto(`${env.base}/office/api-keys`);
  await page.fill('#key-name', 'no-script system');
  await submit(page, 'form[action="/office/api-keys"] button[type=submit]');
  assert.match(await page.inputValue('#new-key-value'), /^tbk_/);
  await submit(page, 'tr:has-text("no-script system") button[type=submit]');
  assert.match(await page.locator('.notice').innerText(), /no-script system/);
  await page.goto(`${env.base}/office/decisions/roles`);
  await submit(page, 'form[action="/office/decisions/roles/compare"] button[type=submit]');
  assert.match(page.url(), /\/office\/decisions\/roles\/compare\?from=/);
  await page.context().close();

  const agent = await noScript(AGENT);
  await agent.goto(`${env.base}/enterprise`);
  await agent.locator('input[name="enterprise"]:not([value="self"])').first().check();
  await submit(agent, 'form[action="/enterprise"] button[type="submit"]');
  await agent.goto(`${env.base}/me`);
  await submit(agent, 'a[href^="/enterprises/"][href$="/access-log"]');
  assert.match(agent.url(), /\/enterprises\/.+\/access-log/);
  assert.ok(await agent.locator('table tbody tr').count() >= 1);
  await agent.context().close();
});
