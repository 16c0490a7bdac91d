// Federation peers' page (issue 14 item 2) for administrators, in zh, en and elder mode at 360 px,
// axe-core clean: this platform's fingerprint shown, a wrong fingerprint refused beside its field
// with what was typed kept, the peer added (a second platform process, Zhejiang) and listed with
// its list's validity, then removed. Plain forms: they work without JavaScript.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clickAndCheck, go, signIn, start, texts, noSidewaysScroll } from './harness.mjs';
import { startServer } from '../api/lib.mjs';

const ADMIN = { username: 'admin', password: 'demo-password-1' };
let env, zj, dir, zjKid;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tongban-fed-browser-'));
  const config = join(dir, 'zj.yaml');
  writeFileSync(config, 'platform:\n  code: zj\n  name:\n    zh: 浙江\n    en: Zhejiang\n');
  [env, zj] = await Promise.all([start(), startServer({ extraArgs: ['--config', config], demo: false })]);
  zjKid = (await (await fetch(`${zj.url}/api/v1/platform`)).json()).list_key.kid;
});
after(async () => {
  if (env) await env.stop();
  if (zj) await zj.stop();
  rmSync(dir, { recursive: true, force: true });
});

for (const mode of [{ lang: 'zh' }, { lang: 'en' }, { lang: 'zh', elder: true }]) {
  const label = `${mode.lang}${mode.elder ? ', elder' : ''}, 360 px`;
  const t = texts[mode.lang];

  test(`the federation page (${label}): a wrong fingerprint refused beside its field, a peer added and removed`, async () => {
    const page = await env.newPage({ locale: mode.lang === 'en' ? 'en-GB' : 'zh-CN', viewport: { width: 360, height: 740 } });
    await signIn(env, page, ADMIN);
    if (mode.lang === 'en') await page.goto(`${env.base}/prefs?lang=en&return=/`);
    if (mode.elder) await page.goto(`${env.base}/prefs?elder=1&return=/`);
    await go(env, page, '/office/federation');
    assert.equal(await page.getAttribute('html', 'lang'), mode.lang);
    if (mode.elder) assert.equal(await page.getAttribute('html', 'class'), 'elder');
    assert.equal(await page.locator('h1').innerText(), t['federation.heading']);
    assert.match(await page.locator('body').innerText(), new RegExp(t['federation.no_peers']));
    await noSidewaysScroll(page);

    // A wrong fingerprint: refused beside its field, what was typed kept.
    await page.fill('#peer-code', 'zj');
    await page.fill('#peer-url', zj.url);
    await page.fill('#peer-fingerprint', 'A'.repeat(43));
    await clickAndCheck(env, page, page.locator('form[action="/office/federation/peers"] button[type=submit]'));
    assert.match(await page.locator('#peer-fingerprint-error').innerText(), new RegExp(t['error.federation.fingerprint_mismatch'].slice(0, 12)));
    assert.equal(await page.inputValue('#peer-url'), zj.url);
    assert.equal(await page.getAttribute('#peer-fingerprint', 'aria-invalid'), 'true');
    await noSidewaysScroll(page);

    // The right one: added, listed with its list's validity.
    await page.fill('#peer-fingerprint', zjKid);
    await clickAndCheck(env, page, page.locator('form[action="/office/federation/peers"] button[type=submit]'));
    assert.match(page.url(), /\/office\/federation\?added=zj$/);
    const row = page.locator('#peer-zj');
    assert.match(await row.innerText(), new RegExp(zjKid));
    assert.match(await row.innerText(), mode.lang === 'en' ? /Zhejiang/ : /浙江/);
    assert.match(await page.locator('.notice').innerText(), /zj/);
    await noSidewaysScroll(page);

    // Removed at once.
    await clickAndCheck(env, page, row.locator('button[type=submit]'));
    assert.match(page.url(), /removed=zj$/);
    assert.equal(await page.locator('#peer-zj').count(), 0);
    await page.context().close();
  });
}

// Signs in through the form alone (axe needs JavaScript, so these pages are checked for content).
async function signInWithoutScripts(page, user) {
  await page.goto(`${env.base}/login`);
  await page.fill('#username', user.username);
  await page.fill('#password', user.password);
  await Promise.all([page.waitForNavigation(), page.locator('form[action="/login"] button[type=submit]').click()]);
  assert.ok(!page.url().includes('/login'));
}

test('the federation page is for administrators only, and works without JavaScript', async () => {
  const page = await env.newPage({ javaScriptEnabled: false });
  await signInWithoutScripts(page, { username: 'zhang.wei', password: 'demo-password-1' });
  const res = await page.goto(`${env.base}/office/federation`);
  assert.equal(res.status(), 403);
  await page.context().close();
  const admin = await env.newPage({ javaScriptEnabled: false });
  await signInWithoutScripts(admin, ADMIN);
  await admin.goto(`${env.base}/office/federation`);
  await admin.fill('#peer-code', 'zj');
  await admin.fill('#peer-url', zj.url);
  await admin.fill('#peer-fingerprint', zjKid);
  await Promise.all([admin.waitForNavigation(), admin.locator('form[action="/office/federation/peers"] button[type=submit]').click()]);
  assert.match(await admin.locator('#peer-zj').innerText(), new RegExp(zjKid));
  await Promise.all([admin.waitForNavigation(), admin.locator('#peer-zj button[type=submit]').click()]);
  assert.equal(await admin.locator('#peer-zj').count(), 0);
  await admin.context().close();
});
