// The officials' page for cross-province data requests (issue 14 item 5), /office/data-requests, in
// zh, en and elder mode at 360 px, axe-core clean: Shanghai's market reviewer asks Zhejiang (a second
// platform process, peered both ways) for 张伟's population record with his consent; a bad ID number
// is refused beside its field with what was typed kept; the answer shows the values and who answered
// with the reply's id. A plain form: it works without JavaScript.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REVIEWER, clickAndCheck, go, noSidewaysScroll, signIn, start, texts } from './harness.mjs';
import { Client, addPeer, startServer, writePlatformConfig } from '../api/lib.mjs';

let env, zj, dir, personId, consentId;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tongban-fedata-browser-'));
  const config = writePlatformConfig(dir, 'zj', '浙江', 'Zhejiang');
  [env, zj] = await Promise.all([start(), startServer({ extraArgs: ['--config', config] })]);
  assert.equal((await addPeer(env.base, 'zj', zj.url)).status, 201);
  assert.equal((await addPeer(zj.url, 'sh', env.base)).status, 201);
  const zhang = await Client.login(env.base, 'zhang.wei');
  personId = (await zhang.get('/api/v1/me')).data.person_id;
  consentId = (await zhang.post('/api/v1/me/consents', { purpose: 'zj:population:social_assistance' })).data.id;
  assert.ok(consentId);
});
after(async () => {
  if (env) await env.stop();
  if (zj) await zj.stop();
  rmSync(dir, { recursive: true, force: true });
});

for (const mode of [{ lang: 'zh' }, { lang: 'en' }, { lang: 'zh', elder: true }]) {
  const label = `${mode.lang}${mode.elder ? ', elder' : ''}, 360 px`;
  const t = texts[mode.lang];

  test(`the data request page (${label}): a bad ID number refused beside its field, then the peer's answer`, async () => {
    const page = await env.newPage({ locale: mode.lang === 'en' ? 'en-GB' : 'zh-CN', viewport: { width: 360, height: 740 } });
    await signIn(env, page, REVIEWER);
    if (mode.lang === 'en') await page.goto(`${env.base}/prefs?lang=en&return=/`);
    if (mode.elder) await page.goto(`${env.base}/prefs?elder=1&return=/`);
    await go(env, page, '/office/data-requests');
    assert.equal(await page.getAttribute('html', 'lang'), mode.lang);
    if (mode.elder) assert.equal(await page.getAttribute('html', 'class'), 'elder');
    assert.equal(await page.locator('h1').innerText(), t['data_requests.heading']);
    await noSidewaysScroll(page);

    await page.selectOption('#field-peer', 'zj');
    await page.fill('#field-person', '123');
    await page.fill('#field-fields', 'name, birth_date');
    await page.fill('#field-purpose', 'social_assistance');
    await page.fill('#field-consent', consentId);
    await clickAndCheck(env, page, page.locator('form[action="/office/data-requests"] button[type=submit]'));
    assert.equal(await page.locator('#field-person-error').count(), 1);
    assert.match(await page.locator('#field-person-error').innerText(), new RegExp(t['error.data_request.person'].slice(0, 8)));
    assert.equal(await page.getAttribute('#field-person', 'aria-invalid'), 'true');
    assert.equal(await page.inputValue('#field-purpose'), 'social_assistance');
    await noSidewaysScroll(page);

    await page.fill('#field-person', personId);
    await clickAndCheck(env, page, page.locator('form[action="/office/data-requests"] button[type=submit]'));
    const answer = await page.locator('#answer').innerText();
    assert.ok(answer.includes(t['access_log.platform'].replace('{detail}', mode.lang === 'en' ? 'Zhejiang' : '浙江')), answer);
    assert.ok(answer.includes('张伟'), answer);
    assert.match(answer, /[0-9A-HJKMNP-TV-Z]{26}/, 'the reply id');
    await noSidewaysScroll(page);
    await page.context().close();
  });
}
