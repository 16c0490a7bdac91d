// The bundle form (一件事, issue 11 item 1) in zh, en and elder mode, axe-core clean, at 360 px: one
// notice with every item's department, time limit, fee and materials (marked when the platform
// fetches them), one form whose shared fields are asked once, and the bundle case page with each
// sub-case, its department and state after one submission.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CITIZEN, clickAndCheck, fillField, go, sampleValue, signIn, start, texts, noSidewaysScroll } from './harness.mjs';

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

const BUNDLE = 'retire';

async function askedFields() {
  const bundle = await (await fetch(`${env.base}/api/v1/bundles/${BUNDLE}`)).json();
  const fields = [];
  for (const code of bundle.items) {
    const item = await (await fetch(`${env.base}/api/v1/items/${code}`)).json();
    for (const f of item.fields) if (!f.source && !fields.some((x) => x.name === f.name)) fields.push(f);
  }
  return { bundle, fields };
}

// A valid answer; a bank account number follows its field's pattern (12 to 30 digits).
const answer = (f) => (f.name === 'bank_account' ? '622202123456789012' : sampleValue(f));

for (const [lang, elder] of [['zh', false], ['en', false], ['zh', true], ['en', true]]) {
  test(`one notice, one form, one submission for a bundle, ${lang}${elder ? ', elder mode' : ''}, at 360 px`, async () => {
    const t = texts[lang];
    const { bundle, fields } = await askedFields();
    const page = await env.newPage({ locale: lang === 'en' ? 'en-GB' : 'zh-CN', viewport: { width: 360, height: 740 } });
    if (elder) await page.goto(`${env.base}/prefs?elder=1&return=/`);
    await signIn(env, page, CITIZEN, lang);
    await go(env, page, `/bundles/${BUNDLE}`);
    await clickAndCheck(env, page, page.locator(`a[href="/bundles/${BUNDLE}/apply"]`));
    if (elder) assert.equal(await page.getAttribute('html', 'class'), 'elder');
    // The notice: every item, with its materials marked when the platform fetches them.
    const body = await page.locator('main').textContent();
    for (const code of bundle.items) assert.equal(await page.locator(`section[aria-labelledby="part-${code}"]`).count(), 1, code);
    assert.ok(body.includes(t['bundle_apply.fetched']), 'fetched materials are marked');
    await noSidewaysScroll(page);
    // A field two items ask (bank_account) is asked once.
    if (!elder) {
      assert.equal(await page.locator('input[name="bank_account"], select[name="bank_account"], textarea[name="bank_account"]').count(), 1);
      for (const f of fields) await fillField(page, f, answer(f));
      await clickAndCheck(env, page, page.locator('button[value="submit"]'));
    } else {
      // Elder mode: the notice, then one question a page.
      assert.equal(await page.locator('form .field').count(), 0);
      await clickAndCheck(env, page, page.locator('button[value="next"]'));
      for (let i = 0; i < fields.length; i += 1) {
        assert.equal(await page.locator('form .field').count(), 1, 'one question a page');
        const name = await page.locator('form .field :is(input,select,textarea)').getAttribute('name');
        const f = fields.find((x) => x.name === name);
        await fillField(page, f, answer(f));
        await noSidewaysScroll(page);
        await clickAndCheck(env, page, page.locator(i + 1 < fields.length ? 'button[value="next"]' : 'button[value="submit"]'));
      }
    }
    // The bundle case: each sub-case with its department and state.
    assert.match(page.url(), /\/bundle-cases\/[0-9A-Z]+$/, await page.locator('main').textContent());
    assert.equal((await page.locator('h1').textContent()).trim(), bundle.name[lang]);
    const cases = page.locator('ol.result-list > li');
    assert.equal(await cases.count(), bundle.items.length);
    const text = await page.locator('main').textContent();
    assert.ok(text.includes(t['state.submitted']), text);
    assert.ok(text.includes(t['bundle_state.in_progress']), text);
    await noSidewaysScroll(page);
    await page.context().close();
  });
}
