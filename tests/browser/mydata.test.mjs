// "My data" (/me/data) and eligibility on the item page, in zh, en and elder mode: the citizen
// reaches the page from the signed-in navigation, sees their population record, follows "this is
// wrong" to the flag form, is told plainly when the comment is empty, sends the flag and finds it
// on /me/data; the elderly allowance's page tells the 38-year-old he does not qualify and why.
// Plain links and forms, no script. axe-core checks every page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CITIZEN, checkA11y, go, signIn, start, texts } from './harness.mjs';

let env;

before(async () => { env = await start(); });

after(async () => {
  if (env) {
    console.log(`axe-core checked ${env.checked.length} page loads`);
    await env.stop();
  }
});

for (const [lang, elder] of [['zh', false], ['en', false], ['zh', true], ['en', true]]) {
  test(`my data and a flag on it, ${lang}${elder ? ', elder mode' : ''}`, async () => {
    const t = texts[lang];
    const page = await env.newPage({ locale: lang === 'en' ? 'en-GB' : 'zh-CN' });
    if (elder) await page.goto(`${env.base}/prefs?elder=1&return=/`);
    await signIn(env, page, CITIZEN, lang);
    await page.locator('.main-nav a[href="/me/data"]').click();
    await page.waitForURL('**/me/data');
    await checkA11y(env, page);
    if (elder) assert.equal(await page.getAttribute('html', 'class'), 'elder');
    assert.equal((await page.locator('h1').textContent()).trim(), t['my_data.heading']);
    const population = page.locator('#dataset-population');
    assert.ok((await population.textContent()).includes('张伟'));
    // "This is wrong" beside the address.
    await population.locator('a[href*="field=address"]').click();
    await page.waitForURL('**/me/data/flags/new**');
    await checkA11y(env, page);
    assert.equal((await page.locator('h1').textContent()).trim(), t['data_flag.heading']);
    await page.locator('button[type=submit].button').click();
    await page.waitForLoadState();
    await checkA11y(env, page);
    assert.ok((await page.locator('.error-summary').textContent()).includes(t['error.flag.comment_required']));
    assert.equal(await page.getAttribute('#comment', 'aria-invalid'), 'true');
    await page.fill('#comment', `${lang} 新地址：世纪大道200号`);
    await page.locator('button[type=submit].button').click();
    await page.waitForURL('**/me/data?flagged=1*');
    await checkA11y(env, page);
    assert.ok((await page.locator('.notice').textContent()).includes(t['my_data.flagged']));
    assert.ok((await page.locator('#flags ~ .table-wrap').first().textContent()).includes(`${lang} 新地址`));
    await page.context().close();
  });

  test(`the item page says whether the person qualifies and why, ${lang}${elder ? ', elder mode' : ''}`, async () => {
    const t = texts[lang];
    const page = await env.newPage({ locale: lang === 'en' ? 'en-GB' : 'zh-CN' });
    if (elder) await page.goto(`${env.base}/prefs?elder=1&return=/`);
    await signIn(env, page, CITIZEN, lang);
    await go(env, page, '/items/civil.elderly-allowance');
    const box = page.locator('#eligibility');
    const text = await box.textContent();
    assert.ok(text.includes(t['eligibility.not_qualified']), text);
    assert.ok(text.includes(t['eligibility.not_met']) && text.includes(lang === 'en' ? 'Aged 65 or over' : '年满65周岁'), text);
    await page.context().close();
  });
}

for (const lang of ['zh', 'en']) {
  test(`the data owner answers a flag on /office/data-flags, ${lang}`, async () => {
    const t = texts[lang];
    // A flag of the citizen's, raised through the API.
    const session = await (await fetch(`${env.base}/api/v1/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(CITIZEN),
    })).json();
    const raised = await fetch(`${env.base}/api/v1/me/data/flags`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
      body: JSON.stringify({ dataset: 'population', field: 'address', comment: `${lang}: 地址已变更` }),
    });
    assert.equal(raised.status, 201);
    const page = await env.newPage({ locale: lang === 'en' ? 'en-GB' : 'zh-CN' });
    await signIn(env, page, { username: 'owner.police', password: CITIZEN.password }, lang);
    await page.locator('.main-nav a[href="/office/data-flags"]').click();
    await page.waitForURL('**/office/data-flags');
    await checkA11y(env, page);
    assert.equal((await page.locator('h1').textContent()).trim(), t['data_flags.heading']);
    const first = page.locator('div.card').first();
    const id = (await first.getAttribute('id')).slice('flag-'.length);
    // An empty answer is refused beside its box.
    await first.locator('button[type=submit]').click();
    await page.waitForLoadState();
    await checkA11y(env, page);
    assert.ok((await page.locator('.error-summary').textContent()).includes(t['error.flag.answer_required']));
    assert.equal(await page.getAttribute(`#answer-${id}`, 'aria-invalid'), 'true');
    await page.fill(`#answer-${id}`, lang === 'en' ? 'Checked: corrected.' : '已核实并更正。');
    await page.check(`#corrected-${id}`);
    await page.fill(`#value-${id}`, '上海市浦东新区世纪大道200号');
    await page.locator(`#flag-${id} button[type=submit]`).click();
    await page.waitForURL('**/office/data-flags?answered=1');
    await checkA11y(env, page);
    assert.ok((await page.locator('.notice').textContent()).includes(t['data_flags.answered']));
    assert.equal(await page.locator(`#flag-${id}`).count(), 0);
    await page.context().close();
  });
}
