// The apply page when a dataset's department system is down (issue 9 item 8): the demo's
// medical_insurance is served by the department's own system; here its address has nothing
// listening, so the apply page says "source unavailable" with the plain reason, above the form and
// on the field it would have filled, in zh, en and elder mode, and the rest of the form is still
// pre-filled. axe-core checks every page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CITIZEN, freePort, go, signIn, start, texts } from './harness.mjs';

let env;

before(async () => {
  // A port nothing listens on: the connection is refused.
  const closed = await freePort();
  env = await start({ extraArgs: ['--data-source', `medical_insurance=http://127.0.0.1:${closed}/records/medical_insurance`] });
});

after(async () => {
  if (env) {
    console.log(`axe-core checked ${env.checked.length} page loads`);
    await env.stop();
  }
});

const ITEM = 'medical-insurance.cross-province-filing';
const DATASET_NAME = { zh: '医疗保险参保信息', en: 'Medical insurance' };

for (const [lang, elder] of [['zh', false], ['en', false], ['zh', true], ['en', true]]) {
  test(`the apply page shows "source unavailable" when the department's system is down, ${lang}${elder ? ', elder mode' : ''}`, async () => {
    const t = texts[lang];
    const page = await env.newPage({ locale: lang === 'en' ? 'en-GB' : 'zh-CN' });
    if (elder) await page.goto(`${env.base}/prefs?elder=1&return=/`);
    await signIn(env, page, CITIZEN, lang);
    await go(env, page, `/apply/${ITEM}`);
    if (elder) assert.equal(await page.getAttribute('html', 'class'), 'elder');
    const notice = page.locator('section[aria-labelledby="unavailable-title"]');
    assert.equal(await notice.count(), 1);
    assert.equal((await notice.locator('h2').textContent()).trim(), t['apply.source_unavailable']);
    const text = await notice.textContent();
    assert.ok(text.includes(DATASET_NAME[lang]), text);
    assert.ok(text.includes(t['data.source_unavailable.unreachable']), text);
    // The field it would have filled says so; the population fields are still filled.
    const sourced = await page.locator('section[aria-labelledby="sourced-title"]').textContent();
    assert.ok(sourced.includes(t['apply.source_unavailable']), sourced);
    assert.ok(sourced.includes('张伟'), sourced);
    await page.context().close();
  });
}
