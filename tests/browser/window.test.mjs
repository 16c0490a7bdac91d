// The comprehensive window's console (/office/window, issue 11 item 3) in zh, en and elder mode,
// axe-core clean, at 360 px: the scan field has the focus, a scanner (here page.keyboard.type, as a
// scanner is a keyboard) types the person's identity code and Enter, and the visit opens with the
// person's name and masked id; the clerk starts a pre-filled form for them, whose timeline says it
// was done for them at the centre; closing the visit ends it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CITIZEN, checkA11y, clickAndCheck, go, signIn, start, texts } from './harness.mjs';

const CLERK = { username: 'clerk.lujiazui', password: 'demo-password-1' };
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

async function noSidewaysScroll(page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `${page.url()} is ${width} px wide`);
}

for (const [lang, elder] of [['zh', false], ['en', false], ['zh', true], ['en', true]]) {
  test(`the window console driven by a typed scanner token, ${lang}${elder ? ', elder mode' : ''}, at 360 px`, async () => {
    const t = texts[lang];
    const locale = lang === 'en' ? 'en-GB' : 'zh-CN';
    // The person shows their code.
    const person = await env.newPage({ locale });
    await signIn(env, person, CITIZEN, lang);
    const code = await person.request.get(`${env.base}/api/v1/me/identity-code`);
    assert.equal(code.status(), 200);
    const { token } = await code.json();

    const page = await env.newPage({ locale, viewport: { width: 360, height: 740 } });
    if (elder) await page.goto(`${env.base}/prefs?elder=1&return=/`);
    await signIn(env, page, CLERK, lang);
    await go(env, page, '/office/window');
    if (elder) assert.equal(await page.getAttribute('html', 'class'), 'elder');
    assert.equal((await page.locator('h1').textContent()).trim(), t['window.heading']);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'window-code', 'the scan field has the focus');
    await noSidewaysScroll(page);

    // The scanner types the token and Enter.
    await Promise.all([page.waitForNavigation(), (async () => {
      await page.keyboard.type(token);
      await page.keyboard.press('Enter');
    })()]);
    await checkA11y(env, page);
    assert.match(page.url(), /\/office\/window\/visits\/[^/]+$/);
    assert.ok((await page.locator('h1').textContent()).trim().length > 0, 'the person is named');
    assert.match(await page.locator('[data-masked-id]').textContent(), /^\d{6}\*{8}[\dX]{4}$/);
    await noSidewaysScroll(page);
    const visitUrl = page.url();

    // Start a form for them: it opens as their draft, done for them at this centre.
    await clickAndCheck(env, page, page.locator('form[action$="/start"] button[type=submit]'));
    assert.match(page.url(), /\/applications\/[^/]+$/);
    const assisted = t['timeline.assisted_at'].split('{detail}')[0].trim();
    assert.ok((await page.locator('.timeline-assisted').first().textContent()).includes(assisted));
    await noSidewaysScroll(page);

    // Back at the visit, the draft is listed; closing ends the visit.
    await go(env, page, visitUrl);
    assert.ok((await page.locator('table tbody tr').count()) >= 1);
    await clickAndCheck(env, page, page.locator('form[action$="/close"] button[type=submit]'));
    assert.ok(page.url().includes('/office/window?done=closed'));
    assert.equal((await page.locator('.notice').textContent()).trim(), t['window.closed_notice']);
    await go(env, page, visitUrl);
    assert.equal(await page.locator('form[action$="/start"]').count(), 0, 'a closed visit takes nothing');
    await page.context().close();
    await person.context().close();
  });
}

test('a code that does not check is refused on the console with the reason, nothing opened', async () => {
  const page = await env.newPage({ locale: 'en-GB' });
  await signIn(env, page, CLERK, 'en');
  await go(env, page, '/office/window');
  await Promise.all([page.waitForNavigation(), (async () => {
    await page.keyboard.type('not-a-code');
    await page.keyboard.press('Enter');
  })()]);
  await checkA11y(env, page);
  assert.ok((await page.locator('.error-summary').textContent()).includes(texts.en['error.window.code_invalid']));
  assert.equal(await page.getAttribute('#window-code', 'aria-invalid'), 'true');
  await page.context().close();
});
