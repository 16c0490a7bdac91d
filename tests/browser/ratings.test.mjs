// Ratings and rectification pages (issue 13 items 1 and 2) in zh, en and elder mode at 360 px,
// axe-core clean: the applicant's rating form (a missing level is refused beside the levels, the
// choices kept), the bad rating's rectification answered on the department's reply page (an
// empty reply refused beside its input), the person's feedback buttons, and the public
// statistics page without sign-in. The forms are plain forms: they work without JavaScript.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CITIZEN, checkA11y, clickAndCheck, go, signIn, start, noSidewaysScroll } from './harness.mjs';
import { Client, fillFields, simplePersonItem } from '../api/lib.mjs';

let env;

before(async () => { env = await start(); });
after(async () => { if (env) await env.stop(); });

// A case of zhang.wei's, refused by its department: ended, ready to be rated.
async function endedCase() {
  const person = await Client.login(env.base, CITIZEN.username, CITIZEN.password);
  const item = await simplePersonItem(person);
  const made = await person.post('/api/v1/applications', { item: item.code, fields: fillFields(item) });
  assert.equal(made.status, 201, made.text);
  const reviewer = await Client.login(env.base, `reviewer.${item.department}`, CITIZEN.password);
  assert.equal((await reviewer.post(`/api/v1/applications/${made.data.id}/actions/accept`, {})).status, 200);
  assert.equal((await reviewer.post(`/api/v1/applications/${made.data.id}/actions/refuse`, { reason: '材料不全' })).status, 200);
  return { id: made.data.id, reference: made.data.reference, reviewer: `reviewer.${item.department}`, department: item.department };
}

async function openPage(mode) {
  const page = await env.newPage({ locale: mode.lang === 'en' ? 'en-GB' : 'zh-CN', viewport: { width: 360, height: 740 } });
  if (mode.elder) await page.goto(`${env.base}/prefs?elder=1&return=/`);
  if (mode.lang === 'en') await page.goto(`${env.base}/prefs?lang=en&return=/`);
  return page;
}

for (const mode of [{ lang: 'zh' }, { lang: 'en' }, { lang: 'zh', elder: true }]) {
  test(`ratings (${mode.lang}${mode.elder ? ', elder' : ''}, 360 px): rating form, rectification reply, feedback, public statistics`, async () => {
    const { id, reviewer, department } = await endedCase();

    // The applicant rates from the case's page.
    const page = await openPage(mode);
    await signIn(env, page, CITIZEN);
    await go(env, page, `/applications/${id}`);
    await clickAndCheck(env, page, page.locator(`a[href="/applications/${id}/rating"]`));
    assert.equal(await page.getAttribute('html', 'lang'), mode.lang === 'en' ? 'en' : 'zh');
    if (mode.elder) assert.equal(await page.getAttribute('html', 'class'), 'elder');
    await noSidewaysScroll(page);
    await page.check('#tag-slow');
    await page.fill('#comment', '跑了两趟');
    await clickAndCheck(env, page, page.locator(`form[action="/applications/${id}/rating"] input[name="intent"][value="rate"] >> xpath=.. >> button[type=submit]`));
    assert.equal(await page.locator('.error-summary a[href="#levels"]').count(), 1);
    assert.equal(await page.isChecked('#tag-slow'), true, 'the choice is kept');
    assert.equal(await page.inputValue('#comment'), '跑了两趟');
    await page.check('#level-2');
    await clickAndCheck(env, page, page.locator(`form[action="/applications/${id}/rating"] input[name="intent"][value="rate"] >> xpath=.. >> button[type=submit]`));
    assert.ok(page.url().endsWith(`/applications/${id}/rating?done=rated`), page.url());
    assert.equal(await page.locator('.notice').count(), 1);
    assert.equal(await page.locator('.tag--rectification-open').count(), 1);
    await noSidewaysScroll(page);

    // The department's reviewer answers it.
    const office = await openPage(mode);
    await signIn(env, office, { username: reviewer, password: CITIZEN.password });
    await go(env, office, '/office/rectifications');
    await noSidewaysScroll(office);
    const rows = office.locator('table a[href^="/office/rectifications/"]');
    assert.ok((await rows.count()) >= 1);
    await clickAndCheck(env, office, rows.first());
    await noSidewaysScroll(office);
    await office.fill('#changes', '材料减为三份');
    await clickAndCheck(env, office, office.locator('form textarea#changes >> xpath=ancestor::form >> button[type=submit]'));
    assert.equal(await office.locator('.error-summary a[href="#reply-text"]').count(), 1);
    assert.equal(await office.getAttribute('#reply-text', 'aria-invalid'), 'true');
    assert.equal(await office.inputValue('#changes'), '材料减为三份');
    await office.fill('#reply-text', '我们已简化材料，谢谢您的意见。');
    await clickAndCheck(env, office, office.locator('form textarea#changes >> xpath=ancestor::form >> button[type=submit]'));
    assert.ok(office.url().includes('?done=replied'), office.url());
    assert.equal(await office.locator('.tag--rectification-replied').count(), 1);
    await office.context().close();

    // The person reads the reply and says it satisfied them.
    await go(env, page, `/applications/${id}/rating`);
    assert.equal(await page.locator('.tag--rectification-replied').count(), 1);
    await clickAndCheck(env, page, page.locator('form input[name="satisfied"][value="1"] >> xpath=.. >> button[type=submit]'));
    assert.ok(page.url().endsWith('?done=feedback'), page.url());
    assert.equal(await page.locator('input[name="satisfied"]').count(), 0);
    await page.context().close();

    // The public statistics, without signing in.
    const visitor = await openPage(mode);
    await go(env, visitor, '/ratings');
    await noSidewaysScroll(visitor);
    assert.ok((await visitor.locator('table tbody tr').count()) >= 1);
    await go(env, visitor, `/ratings?department=${department}`);
    await noSidewaysScroll(visitor);
    await checkA11y(env, visitor);
    await visitor.context().close();
  });
}
