// The catalogue through the pages (issue 8): search by what people type from the home page
// (finding 11), an offline item's centres (finding 12), the standard item code (finding 13) and the
// date hint for the browser's own format (finding 15). axe-core checks every page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CITIZEN, clickAndCheck, go, signIn, start, texts } from './harness.mjs';

let env;

before(async () => { env = await start(); });
after(async () => {
  if (env) {
    console.log(`axe-core checked ${env.checked.length} page loads`);
    await env.stop();
  }
});

async function searchFromHome(page, q) {
  await go(env, page, '/');
  await page.fill('#search-q', q);
  await clickAndCheck(env, page, page.locator('form[role="search"] button[type="submit"]'));
  return page.locator('main .result-list .result h3 a').first().getAttribute('href');
}

describe('finding 11: search by what people type', () => {
  test('finding 11: each alias (营业执照办理, 开餐馆, 生孩子, 社保) and pinyin (shebao) leads to its item or bundle', async () => {
    const page = await env.newPage();
    const expected = [
      ['营业执照办理', '/items/market.business-licence'],
      ['开餐馆', '/bundles/open-a-restaurant'],
      ['生孩子', '/bundles/baby-is-born'],
      ['社保', '/items/hrss.social-security-card'],
      ['shebao', '/items/hrss.social-security-card'],
      ['营业执找', '/items/market.business-licence'],
    ];
    for (const [q, href] of expected) {
      assert.equal(await searchFromHome(page, q), href, q);
    }
    // The bundle's page lists its items.
    await searchFromHome(page, '开餐馆');
    await clickAndCheck(env, page, page.locator('a[href="/bundles/open-a-restaurant"]'));
    assert.equal(await page.locator('main a[href="/items/market.business-licence"]').count(), 1);
    await page.context().close();
  });

  test('finding 11: the person/enterprise filter narrows the results, in English too', async () => {
    const page = await env.newPage({ locale: 'en-US' });
    await go(env, page, `/items?q=${encodeURIComponent('社保')}`);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.selectOption('#search-applicant', 'enterprise');
    await clickAndCheck(env, page, page.locator('form[role="search"] button[type="submit"]'));
    assert.match(page.url(), /applicant=enterprise/);
    assert.equal(await page.locator('a[href="/items/hrss.social-security-card"]').count(), 0);
    assert.equal(await page.locator('a[href="/items/hrss.employment-registration"]').count(), 1);
    await page.context().close();
  });
});

describe('finding 12 and 13: an offline item says where to go and shows its standard code', () => {
  for (const [lang, locale] of [['zh', 'zh-CN'], ['en', 'en-GB']]) {
    test(`finding 12: the centres' address, opening hours and phone, by district (${lang})`, async () => {
      const t = texts[lang];
      const centres = new Map((await (await fetch(`${env.base}/api/v1/service-centres`)).json()).items.map((c) => [c.code, c]));
      const item = await (await fetch(`${env.base}/api/v1/items/civil.minimum-living-allowance`)).json();
      assert.equal(item.fully_online, false);
      const page = await env.newPage({ locale });
      await go(env, page, `/items/${item.code}`);
      assert.equal((await page.locator('#where-title').textContent()).trim(), t['item.where.heading']);
      assert.equal(await page.locator('#where .centre').count(), item.service_centres.length);
      // Narrow to Pudong: its district centre and its community centres.
      await page.selectOption('#where-district', '310115');
      await clickAndCheck(env, page, page.locator('#where button[type="submit"]'));
      const shown = await page.locator('#where .centre').evaluateAll((nodes) => nodes.map((n) => n.dataset.centre));
      assert.deepEqual(shown.sort(), item.service_centres.filter((c) => centres.get(c).district === '310115').sort());
      const lujiazui = centres.get('pudong-lujiazui-community');
      const card = page.locator('#where .centre[data-centre="pudong-lujiazui-community"]');
      const text = await card.textContent();
      assert.ok(text.includes(lujiazui.address[lang]), 'address');
      assert.ok(text.includes(lujiazui.opening_hours[lang]), 'opening hours');
      assert.equal(await card.locator(`a[href^="tel:"]`).textContent(), lujiazui.phone);
      // Finding 13: the standard code (事项编码), not the internal slug.
      const summary = await page.locator('dl.summary-list').first().textContent();
      assert.ok(summary.includes(item.standard_code), 'the standard code is shown');
      assert.ok(!summary.includes(item.code), 'the internal code is not');
      await page.context().close();
    });
  }
});

describe('finding 15: the browser\'s language and date format', () => {
  const dateHint = async (locale) => {
    const page = await env.newPage({ locale });
    await signIn(env, page, CITIZEN);
    await go(env, page, '/apply/civil.marriage-registration-appointment');
    const hint = (await page.locator('#field-appointment_date-hint').textContent()).trim();
    const lang = await page.getAttribute('html', 'lang');
    await page.context().close();
    return { hint, lang };
  };

  test('finding 15: an en-US browser gets English and the month/day/year hint its date input shows', async () => {
    const { hint, lang } = await dateHint('en-US');
    assert.equal(lang, 'en');
    assert.ok(hint.includes(texts.en['hint.date_mdy_slash']), hint);
  });

  test('finding 15: en-GB says day/month/year; zh-CN Chinese with year/month/day', async () => {
    const gb = await dateHint('en-GB');
    assert.equal(gb.lang, 'en');
    assert.ok(gb.hint.includes(texts.en['hint.date_dmy_slash']), gb.hint);
    const zh = await dateHint('zh-CN');
    assert.equal(zh.lang, 'zh');
    assert.ok(zh.hint.includes(texts.zh['hint.date_ymd_slash']), zh.hint);
  });

  test('finding 15: a browser that lists English first but prefers Chinese by q-value gets Chinese', async () => {
    const page = await env.newPage({ locale: 'en-US' });
    // What a browser sends when its user moved Chinese above English in its language settings.
    await page.route('**/*', (route) => route.continue({
      headers: { ...route.request().headers(), 'accept-language': 'en-US;q=0.4,zh-CN;q=0.9' },
    }));
    await go(env, page, '/');
    assert.equal(await page.getAttribute('html', 'lang'), 'zh');
    await page.context().close();
  });
});
