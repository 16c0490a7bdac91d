// Issue 8, points 1 and 3, through the pages only: an enterprise administrator applies for 清税证明
// (the draft saves, then it is submitted), grants an agent a right on the rights page and withdraws
// it, and the agent, acting for the enterprise, sees and then no longer sees the enterprise's
// application; a reviewer opens an uploaded file and the timeline says so. axe-core checks every
// page, at 1280 and 360 px, in zh, en and elder mode.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PDF, REVIEWER, checkA11y, clickAndCheck, go, sampleValue, signIn, start, texts, noSidewaysScroll } from './harness.mjs';

const ADMIN = { username: 'wang.fang', password: 'demo-password-1' };
const AGENT = { username: 'zhao.lei', password: 'demo-password-1' };
const TAX = 'tax.tax-clearance-certificate';
const ENTERPRISE_NAME = '上海浦江示范餐饮有限公司';

let env;
let madeId;  // an application the administrator made for the enterprise

before(async () => { env = await start(); });
after(async () => {
  if (env) {
    console.log(`axe-core checked ${env.checked.length} page loads`);
    await env.stop();
  }
});

const MODES = [
  { lang: 'zh', elder: false, width: 1280 },
  { lang: 'en', elder: false, width: 360 },
  { lang: 'zh', elder: true, width: 360 },
];

async function openAs(user, { lang, elder, width }) {
  const page = await env.newPage({ viewport: { width, height: 900 } });
  await signIn(env, page, user);
  if (lang === 'en') await page.goto(`${env.base}/prefs?lang=en&return=/`);
  if (elder) await page.goto(`${env.base}/prefs?elder=1&return=/`);
  return page;
}

describe('point 1: enterprises apply on the web', () => {
  for (const mode of MODES) {
    test(`point 1: the administrator applies for 清税证明 (${mode.lang}${mode.elder ? ', elder' : ''}, ${mode.width} px)`, async () => {
      const t = texts[mode.lang];
      const page = await openAs(ADMIN, mode);
      await go(env, page, `/apply/${TAX}`);
      assert.match(page.url(), new RegExp(`/apply/${TAX.replace(/\./g, '\\.')}`), 'one enterprise: chosen on its own');
      assert.ok((await page.locator('main').textContent()).includes(ENTERPRISE_NAME), 'the form says for whom');
      await noSidewaysScroll(page, mode.width);
      await page.fill('#field-contact_phone', '13800138000');
      await clickAndCheck(env, page, page.locator('button[name="intent"][value="save"]'));
      assert.match(page.url(), /saved=1/, 'the draft saved');
      assert.equal((await page.locator('.notice').textContent()).trim(), t['apply.saved']);
      // Continue to check your answers, which sends it.
      await clickAndCheck(env, page, page.locator('button[name="intent"][value="check"]'));
      assert.match(page.url(), /\/check$/, `check your answers: ${page.url()}`);
      await clickAndCheck(env, page, page.locator('form[action$="/act"] button[type="submit"]'));
      const submitted = page.url().match(/\/applications\/([^/]+)\/submitted/);
      assert.ok(submitted, `submitted: ${page.url()}`);
      madeId = submitted[1];
      await go(env, page, '/enterprise');
      await noSidewaysScroll(page, mode.width);
      await page.context().close();
    });
  }

  test('point 1: the administrator grants and withdraws a right; the agent sees, then no longer sees, the application', async () => {
    assert.ok(madeId, 'an enterprise application was made');
    for (const mode of MODES) {
      const t = texts[mode.lang];
      const admin = await openAs(ADMIN, mode);
      const agent = await openAs(AGENT, mode);
      // The administrator reaches the rights page from the header's switcher.
      await clickAndCheck(env, admin, admin.locator('header a[href="/enterprise"]'));
      await clickAndCheck(env, admin, admin.locator('main a[href$="/agents"]'));
      await noSidewaysScroll(admin, mode.width);
      const card = admin.locator('section#agent-zhao\\.lei');
      await card.locator('input[name="may_apply"]').check();
      await card.locator(`input[name="item"][value="${TAX}"]`).check();
      await clickAndCheck(env, admin, card.locator('form:has(input[name="intent"][value="grant"]) button[type="submit"]'));
      assert.equal((await admin.locator('.notice').textContent()).trim(), t['agents.done.granted']);

      // The agent chooses the enterprise on the switcher and sees its application.
      await clickAndCheck(env, agent, agent.locator('header a[href="/enterprise"]'));
      await noSidewaysScroll(agent, mode.width);
      await agent.locator('input[name="enterprise"]:not([value="self"])').check();
      await clickAndCheck(env, agent, agent.locator('form[action="/enterprise"] button[type="submit"]'));
      await go(env, agent, '/applications');
      assert.equal(await agent.locator(`a[href="/applications/${madeId}"]`).count(), 1, 'the agent sees it');
      await noSidewaysScroll(agent, mode.width);

      // Withdrawn: gone from the agent's list.
      const withdraw = admin.locator('section#agent-zhao\\.lei form:has(input[name="intent"][value="withdraw"]) button');
      await clickAndCheck(env, admin, withdraw);
      assert.equal((await admin.locator('.notice').textContent()).trim(), t['agents.done.withdrawn']);
      await go(env, agent, '/applications');
      assert.equal(await agent.locator(`a[href="/applications/${madeId}"]`).count(), 0, 'no longer');
      await admin.context().close();
      await agent.context().close();
    }
  });
});

describe('point 3: reviewers open uploaded files', () => {
  test('point 3: a reviewer opens an uploaded file and the timeline shows it', async () => {
    // The administrator applies through the API for an item with uploads.
    const session = await (await fetch(`${env.base}/api/v1/session`, { method: 'POST',
      headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) })).json();
    const auth = { authorization: `Bearer ${session.token}` };
    const me = await (await fetch(`${env.base}/api/v1/me`, { headers: auth })).json();
    const item = await (await fetch(`${env.base}/api/v1/items/market.business-licence`)).json();
    const fields = {};
    for (const f of item.fields) {
      if (f.source) continue;
      const value = sampleValue(f);
      fields[f.name] = f.type === 'boolean' ? true : f.type === 'number' ? Number(value) : value;
    }
    const created = await fetch(`${env.base}/api/v1/applications`, { method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ item: item.code, enterprise: me.enterprises[0].code, draft: true, fields }) });
    assert.equal(created.status, 201, await created.clone().text());
    const { id } = await created.json();
    const uploads = item.materials.filter((m) => m.source === 'upload');
    for (const m of uploads) {
      const r = await fetch(`${env.base}/api/v1/applications/${id}/materials/${m.code}`, { method: 'PUT',
        headers: { ...auth, 'x-file-name': encodeURIComponent(`${m.name.zh}.pdf`) }, body: PDF });
      assert.equal(r.status, 200);
    }
    const sent = await fetch(`${env.base}/api/v1/applications/${id}/actions/submit`, { method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(sent.status, 200, await sent.text());

    const material = uploads[0];
    for (const mode of MODES) {
      const page = await openAs(REVIEWER, mode);
      // (The detail page's width at 360 px is issue 8, point 14, handled apart.)
      await go(env, page, `/applications/${id}`);
      const link = page.locator(`a[href="/applications/${id}/materials/${material.code}/file"]`);
      assert.equal(await link.count(), 1, 'the uploaded material links to its file');
      const file = await page.request.get(env.base + await link.getAttribute('href'));
      assert.equal(file.status(), 200);
      assert.equal(file.headers()['content-type'], 'application/pdf');
      assert.match(file.headers()['content-disposition'], /^attachment; filename="/);
      assert.equal(file.headers()['x-content-type-options'], 'nosniff');
      assert.deepEqual(Buffer.from(await file.body()), PDF);
      await page.reload();
      await checkA11y(env, page);
      const said = `${texts[mode.lang]['timeline.what.view_material']}: ${material.name[mode.lang]}`;
      const timeline = await page.locator('.timeline').textContent();
      assert.ok(timeline.includes(said), `the timeline says "${said}"`);
      await page.context().close();
    }
  });
});
