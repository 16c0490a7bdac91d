// A peer platform's licence (issue 14 item 3) on the public verification page and at the window
// console's licence check, in zh, en and elder mode at 360 px, axe-core clean: Shanghai (the
// harness's server) peers with Zhejiang (a second platform process), and 张伟's driving licence
// issued by Zhejiang reads valid with the issuing platform named in the page's language; a removed
// peer's licence reads "not from an issuer Tongban trusts". Plain forms: they work without JavaScript.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkA11y, go, signIn, start, texts, noSidewaysScroll } from './harness.mjs';
import { Client, startServer } from '../api/lib.mjs';

const CLERK = { username: 'clerk.lujiazui', password: 'demo-password-1' };
const NAMES = { zh: '浙江', en: 'Zhejiang' };
let env, zj, dir, credential;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tongban-fedverify-browser-'));
  const config = join(dir, 'zj.yaml');
  writeFileSync(config, 'platform:\n  code: zj\n  name:\n    zh: 浙江\n    en: Zhejiang\n');
  [env, zj] = await Promise.all([start(), startServer({ extraArgs: ['--config', config] })]);
  const holder = await Client.login(zj.url, 'zhang.wei');
  const driving = (await holder.get('/api/v1/me/licences')).data.items.find((l) => l.type === 'driving_licence');
  credential = (await holder.get(`/api/v1/licences/${driving.id}/credential`)).text;
  const kid = (await new Client(zj.url).get('/api/v1/platform')).data.list_key.kid;
  const admin = await Client.login(env.base, 'admin');
  const added = await admin.post('/api/v1/federation/peers', { code: 'zj', url: zj.url, fingerprint: kid });
  assert.equal(added.status, 201, added.text);
});
after(async () => {
  if (env) await env.stop();
  if (zj) await zj.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function newPage(lang, elder) {
  const page = await env.newPage({ locale: lang === 'en' ? 'en-GB' : 'zh-CN', viewport: { width: 360, height: 740 } });
  if (elder) await page.goto(`${env.base}/prefs?elder=1&return=/`);
  return page;
}

for (const [lang, elder] of [['zh', false], ['en', false], ['zh', true]]) {
  const t = texts[lang];
  const label = `${lang}${elder ? ', elder mode' : ''}, 360 px`;
  const peerLine = t['verify.peer_issued'].replace('{detail}', NAMES[lang]);

  test(`the verification page reads a Zhejiang licence as valid and names Zhejiang (${label})`, async () => {
    const page = await newPage(lang, elder);
    await go(env, page, `/verify?lang=${lang}`);
    if (elder) assert.ok(await page.evaluate(() => document.documentElement.classList.contains('elder')));
    await page.fill('#token', credential);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    await checkA11y(env, page);
    assert.equal((await page.textContent('#verify-result-title')).trim(), t['verify.result.valid']);
    assert.equal((await page.textContent('[data-verify-peer]')).trim(), peerLine);
    assert.match(await page.textContent('.summary-list'), /张伟/);
    await noSidewaysScroll(page);
    await page.context().close();
  });

  test(`the window console checks a Zhejiang licence the person presents (${label})`, async () => {
    const page = await newPage(lang, elder);
    await signIn(env, page, CLERK, lang);
    await go(env, page, '/office/window');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'window-code', 'the scan field keeps the focus');
    await page.fill('#window-licence', credential);
    await Promise.all([page.waitForNavigation(), page.click('form.window-licence button[type=submit]')]);
    await checkA11y(env, page);
    assert.equal((await page.textContent('#window-licence-result')).trim(), t['verify.result.valid']);
    assert.equal((await page.textContent('[data-licence-result] [data-verify-peer]')).trim(), peerLine);
    await noSidewaysScroll(page);
    // Nothing pasted: the error summary links to the field.
    await page.fill('#window-licence', '');
    await Promise.all([page.waitForNavigation(), page.click('form.window-licence button[type=submit]')]);
    await checkA11y(env, page);
    assert.equal(await page.getAttribute('.error-summary a', 'href'), '#window-licence');
    await page.context().close();
  });
}

// The ride-hailing driver permit takes a driving licence from a peer (accepts_from_peers): 张伟
// pastes Zhejiang's on the materials page of his draft; a wrong text is refused with the reason.
for (const lang of ['zh', 'en']) {
  test(`a Zhejiang driving licence presented as a material on the materials page (${lang}, 360 px)`, async () => {
    const t = texts[lang];
    const api = await Client.login(env.base, 'zhang.wei');
    const draft = await api.post('/api/v1/applications', {
      item: 'transport.ride-hailing-driver-permit', draft: true, fields: { contact_phone: '13800138000' },
    });
    assert.equal(draft.status, 201, draft.text);
    const page = await newPage(lang, false);
    await signIn(env, page, { username: 'zhang.wei', password: 'demo-password-1' }, lang);
    await go(env, page, `/applications/${draft.data.id}/materials`);
    await page.fill('#peer-driving_licence', 'not a licence');
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/peer-licence"] button[type=submit]')]);
    await checkA11y(env, page);
    assert.equal(await page.getAttribute('.error-summary a', 'href'), '#peer-driving_licence');
    await page.fill('#peer-driving_licence', credential);
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/peer-licence"] button[type=submit]')]);
    await checkA11y(env, page);
    assert.match(page.url(), /presented=1$/);
    assert.equal((await page.textContent('.notice')).trim(), t['materials.peer_presented']);
    assert.equal(await page.locator('#peer-driving_licence').count(), 0, 'a fetched licence is not asked again');
    await noSidewaysScroll(page);
    const app = (await api.get(`/api/v1/applications/${draft.data.id}`)).data;
    const material = app.materials.find((m) => m.code === 'driving_licence');
    assert.equal(material.status, 'fetched');
    assert.equal(material.licence.platform, 'zj');
    await page.context().close();
  });
}

test('without JavaScript, and once Zhejiang is removed its licence is not trusted on either page', async () => {
  const page = await env.newPage({ javaScriptEnabled: false, locale: 'en-GB' });
  await page.goto(`${env.base}/verify?lang=en`);
  await page.fill('#token', credential);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  assert.equal((await page.textContent('#verify-result-title')).trim(), texts.en['verify.result.valid']);

  await page.context().close();

  const admin = await Client.login(env.base, 'admin');
  assert.equal((await admin.request('DELETE', '/api/v1/federation/peers/zj')).status, 204);
  const after = await env.newPage({ locale: 'en-GB' });
  await go(env, after, '/verify?lang=en');
  await after.fill('#token', credential);
  await Promise.all([after.waitForNavigation(), after.click('button[type=submit]')]);
  await checkA11y(env, after);
  assert.equal((await after.textContent('#verify-result-title')).trim(), texts.en['verify.result.unknown_issuer']);
  assert.equal(await after.locator('[data-verify-peer]').count(), 0);
  await after.context().close();

  const clerk = await env.newPage({ locale: 'en-GB' });
  await signIn(env, clerk, CLERK, 'en');
  await go(env, clerk, '/office/window');
  await clerk.fill('#window-licence', credential);
  await Promise.all([clerk.waitForNavigation(), clerk.click('form.window-licence button[type=submit]')]);
  await checkA11y(env, clerk);
  assert.equal((await clerk.textContent('#window-licence-result')).trim(), texts.en['verify.result.unknown_issuer']);
  await clerk.context().close();
});
