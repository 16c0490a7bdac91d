// The apply page pre-filled from the city's data (issue 9 item 4) in zh, en and elder mode: each
// value with where it came from (the dataset's name, as of when) and a "this is wrong" link; a
// sensitive value asks for consent once (a POST form), is then filled, and the consent is listed
// and revoked on "My consents". axe-core checks every page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CITIZEN, checkA11y, clickAndCheck, go, signIn, start, texts } from './harness.mjs';

let env;

before(async () => {
  env = await start();
});

after(async () => {
  if (env) {
    console.log(`axe-core checked ${env.checked.length} page loads`);
    await env.stop();
  }
});

const APPOINTMENT = 'civil.marriage-registration-appointment';
const DATASET_NAME = { zh: '人口基础信息（身份信息）', en: 'Population register (identity)' };

for (const [lang, elder] of [['zh', false], ['en', false], ['zh', true], ['en', true]]) {
  test(`the apply page shows pre-filled values with their provenance, ${lang}${elder ? ', elder mode' : ''}`, async () => {
    const t = texts[lang];
    const page = await env.newPage({ locale: lang === 'en' ? 'en-GB' : 'zh-CN' });
    if (elder) await page.goto(`${env.base}/prefs?elder=1&return=/`);
    await signIn(env, page, CITIZEN, lang);
    await go(env, page, `/apply/${APPOINTMENT}`);
    if (elder) assert.equal(await page.getAttribute('html', 'class'), 'elder');
    const section = page.locator('section[aria-labelledby="sourced-title"]');
    const text = await section.textContent();
    assert.ok(text.includes('张伟'), text);
    assert.ok(text.includes(DATASET_NAME[lang]), text);
    assert.match(text, /\d{4}-\d{2}-\d{2}/);
    const wrong = section.locator('a[href="/me/data/flags/new?dataset=population&field=name"]');
    assert.equal(await wrong.count(), 1);
    assert.ok((await wrong.textContent()).trim().startsWith(t['apply.prefill_wrong']));
    await page.context().close();
  });
}

test('a sensitive value asks for consent once; given, it is filled; revoked on "My consents", it is not', async () => {
  const t = texts.en;
  const page = await env.newPage({ locale: 'en-GB' });
  await signIn(env, page, { username: 'zhao.lei', password: CITIZEN.password }, 'en');
  await go(env, page, '/apply/housing.provident-fund-withdrawal');
  const form = page.locator('form[action="/me/consents"]');
  assert.equal(await form.count(), 1);
  assert.ok((await page.locator('section[aria-labelledby="sourced-title"]').textContent()).includes(t['apply.prefill_needs_consent']));
  await clickAndCheck(env, page, form.locator('button[type=submit]'));
  assert.ok(page.url().includes('/apply/housing.provident-fund-withdrawal'), page.url());
  assert.equal(await page.locator('form[action="/me/consents"]').count(), 0);
  assert.equal(await page.locator('a[href="/me/data/flags/new?dataset=housing_fund_account&field=balance"]').count(), 1);

  await clickAndCheck(env, page, page.locator('.main-nav a[href="/me/consents"]'));
  assert.equal((await page.locator('h1').textContent()).trim(), t['consents.heading']);
  await clickAndCheck(env, page, page.locator('form[action$="/revoke"] button[type=submit]'));
  assert.ok((await page.locator('table').textContent()).includes(t['consents.revoked_at'].replace(' {detail}', '')));
  await go(env, page, '/apply/housing.provident-fund-withdrawal');
  assert.equal(await page.locator('form[action="/me/consents"]').count(), 1);
  await page.context().close();
});
