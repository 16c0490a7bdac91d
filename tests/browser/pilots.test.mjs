// Pilots (先行先试, issue 13 item 5) on the item page: a person of 浦东新区 sees the pilot's variant
// with a plain note; a visitor chooses a district with a small form (no JavaScript needed) and the
// choice is remembered; elsewhere the item is as it is. zh, en and elder mode; axe-core checks
// every page load.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CITIZEN, clickAndCheck, go, signIn, start, texts } from './harness.mjs';

const ITEM = 'civil.minimum-living-allowance';
let env;
let variant;
let base;

before(async () => {
  env = await start();
  base = await (await fetch(`${env.base}/api/v1/items/${ITEM}`)).json();
  variant = await (await fetch(`${env.base}/api/v1/items/${ITEM}?district=310115`)).json();
});
after(async () => {
  if (env) {
    console.log(`axe-core checked ${env.checked.length} page loads`);
    await env.stop();
  }
});

async function openPage(mode, options = {}) {
  const page = await env.newPage({ locale: mode.lang === 'en' ? 'en-GB' : 'zh-CN', ...options });
  if (mode.elder) await page.goto(`${env.base}/prefs?elder=1&return=/`);
  if (mode.lang === 'en') await page.goto(`${env.base}/prefs?lang=en&return=/`);
  return page;
}

const days = (t, n) => t['item.working_days'].replace('{detail}', String(n));
const summary = (page, key, t) => page.locator(`xpath=//main//div[contains(@class,"summary-row")][dt[normalize-space()="${t[key]}"]]/dd`).first();

for (const mode of [{ lang: 'zh' }, { lang: 'en' }, { lang: 'zh', elder: true }]) {
  const label = `${mode.lang}${mode.elder ? ', elder' : ''}`;
  test(`pilots (${label}): a Pudong person sees the variant and its note; a visitor chooses a district`, async () => {
    const t = texts[mode.lang];
    const note = t['pilot.note'].replace('{detail}', mode.lang === 'en' ? 'Pudong New Area' : '浦东新区');
    assert.equal(variant.pilot.code, 'pudong-low-income-online');
    assert.ok(variant.promised_limit_days < base.promised_limit_days);

    // 张伟 is registered in Pudong: the variant, with the note.
    const person = await openPage(mode);
    await signIn(env, person, CITIZEN);
    await go(env, person, `/items/${ITEM}`);
    if (mode.elder) assert.equal(await person.getAttribute('html', 'class'), 'elder');
    const shown = person.locator('main .pilot-note');
    assert.equal(await shown.count(), 1);
    assert.ok((await shown.textContent()).includes(note), await shown.textContent());
    assert.ok((await shown.textContent()).includes(variant.pilot.name[mode.lang]));
    assert.equal((await summary(person, 'item.promised_limit', t).textContent()).trim(), days(t, variant.promised_limit_days));
    assert.equal((await summary(person, 'item.online', t).textContent()).trim(), t['item.fully_online']);
    await person.context().close();

    // A visitor: the item as it is, and a form to choose a district.
    const visitor = await openPage(mode);
    await go(env, visitor, `/items/${ITEM}`);
    assert.equal(await visitor.locator('main .pilot-note').count(), 0);
    assert.equal((await summary(visitor, 'item.promised_limit', t).textContent()).trim(), days(t, base.promised_limit_days));
    await visitor.selectOption('#pilot-district', '310115');
    await clickAndCheck(env, visitor, visitor.locator('form.pilot-district button[type="submit"]'));
    assert.ok((await visitor.locator('main .pilot-note').textContent()).includes(note));
    assert.equal((await summary(visitor, 'item.promised_limit', t).textContent()).trim(), days(t, variant.promised_limit_days));
    // The choice is remembered, like the language and elder mode.
    await go(env, visitor, `/items/${ITEM}`);
    assert.equal(await visitor.locator('main .pilot-note').count(), 1);
    assert.equal(await visitor.inputValue('#pilot-district'), '310115');
    // Another district: no pilot there.
    await visitor.selectOption('#pilot-district', '310101');
    await clickAndCheck(env, visitor, visitor.locator('form.pilot-district button[type="submit"]'));
    assert.equal(await visitor.locator('main .pilot-note').count(), 0);
    assert.equal((await summary(visitor, 'item.promised_limit', t).textContent()).trim(), days(t, base.promised_limit_days));
    await visitor.context().close();
  });
}

test('pilots: the item page and its district form work without JavaScript', async () => {
  const page = await env.newPage({ javaScriptEnabled: false });
  await page.goto(`${env.base}/items/${ITEM}?district=310115`);
  assert.ok((await page.locator('main .pilot-note').textContent()).includes('浦东新区试点'));
  await page.goto(`${env.base}/items/${ITEM}?district=310101`);
  assert.equal(await page.locator('main .pilot-note').count(), 0);
  await page.context().close();
});
