// Cross-province applications (跨省通办, issue 14 item 4) in the browser, in zh, en and elder mode
// at 360 px, axe-core clean: Shanghai (the harness's server) and Zhejiang (a second platform
// process) peered both ways; 张伟 finds Zhejiang's item on /cross-province, fills its questions,
// chooses where the result is delivered, is told what to fix when the address is missing, sends it,
// and lands on the case page, which shows the case as Zhejiang's and, once Zhejiang took it, its
// reference number there. Plain forms: they work without JavaScript.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CITIZEN, checkA11y, clickAndCheck, go, signIn, start, texts } from './harness.mjs';
import { Client, startServer } from '../api/lib.mjs';

const NAMES = { zh: '浙江', en: 'Zhejiang' };
const ITEM = 'medical-insurance.cross-province-filing';
let env, zj, dir;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tongban-xp-browser-'));
  const zjConfig = join(dir, 'zj.yaml');
  writeFileSync(zjConfig, 'platform:\n  code: zj\n  name:\n    zh: 浙江\n    en: Zhejiang\noutbox:\n  first_retry_seconds: 1\n');
  // Shanghai asks its peers for their items every second here (300 s by default).
  const shConfig = join(dir, 'sh.yaml');
  writeFileSync(shConfig, 'federation:\n  refresh_interval_seconds: 1\noutbox:\n  first_retry_seconds: 1\n');
  [env, zj] = await Promise.all([start({ extraArgs: ['--config', shConfig] }), startServer({ extraArgs: ['--config', zjConfig] })]);
  const kid = async (url) => (await new Client(url).get('/api/v1/platform')).data.list_key.kid;
  const shAdmin = await Client.login(env.base, 'admin');
  let r = await shAdmin.post('/api/v1/federation/peers', { code: 'zj', url: zj.url, fingerprint: await kid(zj.url) });
  assert.equal(r.status, 201, r.text);
  const zjAdmin = await Client.login(zj.url, 'admin');
  r = await zjAdmin.post('/api/v1/federation/peers', { code: 'sh', url: env.base, fingerprint: await kid(env.base) });
  assert.equal(r.status, 201, r.text);
  const until = Date.now() + 30000;
  while ((await new Client(env.base).get('/api/v1/federation/items?peer=zj')).data.items.length === 0) {
    if (Date.now() > until) throw new Error('Shanghai never listed Zhejiang\'s items');
    await new Promise((res) => setTimeout(res, 200));
  }
});
after(async () => {
  if (env) await env.stop();
  if (zj) await zj.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function noSidewaysScroll(page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `${page.url()} is ${width} px wide`);
}

for (const [lang, elder] of [['zh', false], ['en', false], ['zh', true]]) {
  const t = texts[lang];
  const label = `${lang}${elder ? ', elder mode' : ''}, 360 px`;

  test(`a person applies here for Zhejiang's item and follows it (${label})`, async () => {
    const page = await env.newPage({ locale: lang === 'en' ? 'en-GB' : 'zh-CN', viewport: { width: 360, height: 740 } });
    if (elder) await page.goto(`${env.base}/prefs?elder=1&return=/`);
    await signIn(env, page, CITIZEN, lang);
    await go(env, page, '/items');
    await clickAndCheck(env, page, page.locator('a[href="/cross-province"]'));
    assert.equal((await page.textContent('h2#peer-zj')).trim(), t['cross_province.handled_by'].replace('{detail}', NAMES[lang]));
    await noSidewaysScroll(page);
    await clickAndCheck(env, page, page.locator(`a[href="/cross-province/zj/${ITEM}"]`));
    assert.match(await page.textContent('.inset'), new RegExp(NAMES[lang]));
    await page.fill('#field-destination_province', '上海');
    await page.selectOption('#field-filing_reason', 'work');
    await page.fill('#field-start_date', '2026-12-01');
    await page.check('#delivery-handler');
    // No address: the error summary names it and links to it; what was typed is kept.
    await clickAndCheck(env, page, page.locator('form.cross-province-form button[type=submit]'));
    assert.equal(await page.getAttribute('.error-summary a', 'href'), '#delivery-address');
    assert.equal(await page.inputValue('#field-destination_province'), '上海');
    assert.ok(await page.isChecked('#delivery-handler'));
    await noSidewaysScroll(page);
    await page.fill('#delivery-address', '杭州市西湖区文三路100号');
    await clickAndCheck(env, page, page.locator('form.cross-province-form button[type=submit]'));
    assert.match(page.url(), /\/applications\/[0-9A-Z]+$/);
    const region = page.locator('#cross-province-title');
    assert.equal((await region.textContent()).trim(), t['cross_province.case_heading']);
    assert.match(await page.textContent('.cross-province'), new RegExp(t['cross_province.delivered_handler'].replace(/[()（）]/g, '.')));
    assert.match(await page.textContent('.cross-province'), /杭州市西湖区文三路100号/);
    await noSidewaysScroll(page);
    // Zhejiang takes it within seconds: the page then names its reference number there.
    const until = Date.now() + 30000;
    for (;;) {
      await page.reload();
      if (await page.locator('.cross-province .reference').count()) break;
      if (Date.now() > until) throw new Error('Zhejiang never took the case');
      await new Promise((res) => setTimeout(res, 300));
    }
    await checkA11y(env, page);
    assert.equal((await page.textContent('.cross-province p')).trim(), t['cross_province.taken_by'].replace('{detail}', NAMES[lang]));
    await page.context().close();
  });
}
