// Page-level behaviour: keyboard use (skip link first), narrow screens, error pages, the
// preference switch's return address, sign-in errors and throttling. axe-core checks each page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CITIZEN, checkA11y, clickAndCheck, go, sampleValue, signIn, start, texts } from './harness.mjs';

let env;

before(async () => { env = await start(); });
after(async () => { if (env) await env.stop(); });

describe('keyboard', () => {
  test('the first Tab reaches the skip link, and Enter moves to the main content', async () => {
    const page = await env.newPage();
    await go(env, page, '/items');
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => ({
      cls: document.activeElement.className,
      text: document.activeElement.textContent.trim(),
      visible: document.activeElement.getBoundingClientRect().left >= 0,
    }));
    assert.equal(first.cls, 'skip-link');
    assert.equal(first.text, texts.zh['nav.skip']);
    assert.ok(first.visible, 'the focused skip link is on screen');
    await page.keyboard.press('Enter');
    // Following an in-page link is asynchronous: wait for it (bounded) rather than race it.
    await page.waitForURL(/#main-content$/, { timeout: 5000 });
    await page.waitForFunction(() => document.activeElement?.id === 'main-content', null, { timeout: 5000 });
    // The next Tab goes into the page content, not back to the header.
    await page.keyboard.press('Tab');
    assert.ok(await page.evaluate(() => document.querySelector('main').contains(document.activeElement)));
    await page.context().close();
  });

  test('focus is visible on links and buttons', async () => {
    const page = await env.newPage();
    await go(env, page, '/');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');  // the first header link after the skip link
    const style = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement);
      return { background: s.backgroundColor, shadow: s.boxShadow, outline: s.outlineStyle };
    });
    assert.ok(style.background !== 'rgba(0, 0, 0, 0)' || style.shadow !== 'none' || style.outline !== 'none', JSON.stringify(style));
    await page.context().close();
  });
});

// Presses Tab until the focused element matches `selector`; fails after `max` presses.
async function tabTo(page, selector, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) return;
  }
  assert.fail(`Tab never reached ${selector}`);
}

// Presses Enter on the focused element and waits for the page it loads; axe-core checks it.
async function enterAndCheck(page) {
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  await checkA11y(env, page);
}

describe('keyboard only', () => {
  test('a citizen signs in, answers a form with a list and submits without a mouse', async () => {
    const code = 'medical-insurance.resident-enrolment';
    const item = await (await fetch(`${env.base}/api/v1/items/${code}`)).json();
    const asked = item.fields.filter((f) => !f.source);
    assert.ok(asked.some((f) => f.type === 'select'), 'the item asks one question as a list');
    assert.equal(item.materials.filter((m) => m.source === 'upload').length, 0, 'the item needs no upload');

    const page = await env.newPage();
    await go(env, page, `/items/${code}`);
    await tabTo(page, `a[href="/apply/${code}"]`);
    await enterAndCheck(page);
    assert.match(page.url(), /\/login/, 'applying asks the person to sign in first');
    await tabTo(page, '#username');
    await page.keyboard.type(CITIZEN.username);
    await tabTo(page, '#password', 3);
    await page.keyboard.type(CITIZEN.password);
    await enterAndCheck(page);
    assert.match(page.url(), new RegExp(`/apply/${code.replace('.', '\\.')}`), 'back on the form after signing in');

    for (const field of asked) {
      await tabTo(page, `#field-${field.name}`);
      if (field.type === 'select') {
        // A closed list changes with the arrow keys.
        for (let i = 0; i < 5 && !(await page.inputValue(`#field-${field.name}`)); i++) await page.keyboard.press('ArrowDown');
        assert.notEqual(await page.inputValue(`#field-${field.name}`), '', `${field.name} chosen with the keyboard`);
      } else {
        await page.keyboard.type(sampleValue(field));
      }
    }
    await tabTo(page, 'button[name="intent"][value="check"]');
    await enterAndCheck(page);
    assert.match(page.url(), /\/applications\/[^/]+\/check$/, 'check your answers before sending');
    await tabTo(page, 'form:has(input[name="action"][value="submit"]) button');
    await enterAndCheck(page);
    assert.match(page.url(), /\/applications\/[^/]+\/submitted$/);
    assert.equal((await page.locator('h1').textContent()).trim(), texts.zh['submitted.heading']);
    await page.context().close();
  });
});

describe('narrow screens', () => {
  for (const elder of [false, true]) {
    test(`nothing scrolls sideways at 360 px${elder ? ' in elder mode' : ''}`, async () => {
      const page = await env.newPage({ viewport: { width: 360, height: 740 } });
      if (elder) await page.goto(`${env.base}/prefs?elder=1&return=/`);
      await signIn(env, page, CITIZEN);
      for (const url of ['/', '/items?q=', '/items/market.business-licence', '/applications', '/apply/market.individual-business-registration']) {
        await go(env, page, url);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 360, `${url} is ${width} px wide`);
      }
      await page.context().close();
    });
  }

  test('elder mode: 22 px text and touch targets of at least 56 px', async () => {
    const page = await env.newPage();
    await page.goto(`${env.base}/prefs?elder=1&return=/items`);
    await checkA11y(env, page);
    assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize), '22px');
    const small = await page.evaluate(() => [...document.querySelectorAll('main button, main input, main select, main .button')]
      .filter((el) => el.getBoundingClientRect().height < 56).map((el) => el.outerHTML.slice(0, 80)));
    assert.deepEqual(small, []);
    await page.context().close();
  });
});

describe('errors and preferences', () => {
  test('an unknown item is a 404 page in the person\'s language', async () => {
    const page = await env.newPage({ locale: 'en-GB' });
    const res = await go(env, page, '/items/no-such-item');
    assert.equal(res.status(), 404);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal((await page.locator('h1').textContent()).trim(), texts.en['page.not_found.title']);
    await page.context().close();
  });

  test('an unknown address is a 404 page for browsers', async () => {
    const page = await env.newPage();
    const res = await page.goto(`${env.base}/no/such/page`);
    assert.equal(res.status(), 404);
    assert.match(res.headers()['content-type'], /text\/html/);
    await checkA11y(env, page);
    assert.equal((await page.locator('h1').textContent()).trim(), texts.zh['page.not_found.title']);
    await page.context().close();
  });

  test('the office is closed to citizens (403 page)', async () => {
    const page = await env.newPage();
    await signIn(env, page, CITIZEN);
    const res = await go(env, page, '/office');
    assert.equal(res.status(), 403);
    assert.equal((await page.locator('h1').textContent()).trim(), texts.zh['page.forbidden.title']);
    await page.context().close();
  });

  test('signed-out visitors are sent to sign in and come back', async () => {
    const page = await env.newPage();
    await page.goto(`${env.base}/applications`);
    assert.match(page.url(), /\/login\?return=%2Fapplications|\/login\?return=\/applications/);
    await checkA11y(env, page);
    await page.fill('#username', CITIZEN.username);
    await page.fill('#password', CITIZEN.password);
    await clickAndCheck(env, page, page.locator('form[action="/login"] button'));
    assert.equal(new URL(page.url()).pathname, '/applications');
    await page.context().close();
  });

  test('the preference switch only returns to local addresses', async () => {
    for (const [back, expected] of [['/items?q=x', '/items?q=x'], ['//evil.example/', '/'], ['https://evil.example/', '/'],
      ['/\\evil.example', '/'], ['', '/']]) {
      const res = await fetch(`${env.base}/prefs?lang=en&return=${encodeURIComponent(back)}`, { redirect: 'manual' });
      assert.equal(res.status, 303);
      assert.equal(res.headers.get('location'), expected, back);
      assert.match(res.headers.get('set-cookie'), /lang=en/);
    }
  });

  test('a wrong password is explained, and repeated failures are throttled', async () => {
    const page = await env.newPage();
    await go(env, page, '/login');
    let message = '';
    for (let i = 0; i < 7; i++) {
      await page.fill('#username', CITIZEN.username);
      await page.fill('#password', 'wrong-password-123');
      await clickAndCheck(env, page, page.locator('form[action="/login"] button'));
      message = (await page.locator('.error-summary li').textContent()).trim();
      if (i === 0) assert.equal(message, texts.zh['error.login.failed']);
      // What was typed in the username is kept.
      assert.equal(await page.inputValue('#username'), CITIZEN.username);
    }
    assert.equal(message, texts.zh['error.login.throttled']);
    await page.context().close();
  });
});
