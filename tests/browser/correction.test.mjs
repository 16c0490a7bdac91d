// The applicant's flow as issue 8 points 4, 5, 6, 7 and 10 describe it, through the pages only, in
// zh, en and elder mode: an official on an apply link, the step indicator, check your answers with
// change links, a receipt that prints, a correction that leads with its reason, withdrawal that
// asks first on a page of its own (a link and a form: no script needed), officials' wording, and the timeline in plain words. axe-core checks every page;
// each of these pages fits 360 px without sideways scrolling.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CITIZEN, PDF, REVIEWER, checkA11y, clickAndCheck, fillField, go, sampleValue, signIn, start, texts,
} from './harness.mjs';

const CLERK = { username: 'clerk.pudong', password: 'demo-password-1' };
const CODE = 'market.individual-business-registration';  // one upload: premises_proof

let env;
let item;
let asked;

before(async () => {
  env = await start();
  item = await (await fetch(`${env.base}/api/v1/items/${CODE}`)).json();
  asked = item.fields.filter((f) => !f.source);
});

after(async () => {
  if (env) {
    console.log(`axe-core checked ${env.checked.length} page loads`);
    await env.stop();
  }
});

// Asserts the page fits `width` without sideways scrolling.
async function fits(page, width = 360) {
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scroll <= width, `${page.url()} is ${scroll} px wide at ${width}`);
}

// A citizen page in `lang`, optionally elder mode and narrow, signed in.
async function citizenPage(lang, { elder = false, narrow = false, user = CITIZEN } = {}) {
  const page = await env.newPage({
    locale: lang === 'en' ? 'en-GB' : 'zh-CN',
    ...(narrow ? { viewport: { width: 360, height: 740 } } : {}),
  });
  if (elder) await page.goto(`${env.base}/prefs?elder=1&return=/`);
  await signIn(env, page, user, lang);
  return page;
}

// In elder mode every button and link-button of the page's flow is at least 56 px high.
async function bigTargets(page, elder) {
  if (!elder) return;
  const small = await page.evaluate(() => [...document.querySelectorAll(
    'main button, main .button, main .summary-action a, main .confirm-actions a')]
    .filter((el) => el.getBoundingClientRect().height < 56).map((el) => el.outerHTML.slice(0, 80)));
  assert.deepEqual(small, [], `small targets on ${page.url()}`);
}

function currentStep(page) {
  return page.locator('.steps [aria-current="step"]');
}

// Answers every question (one page, or one question a page in elder mode) and continues to the
// uploads; uploads the file; arrives on the check page. Returns the application id.
async function applyToCheck(page, lang, { elder = false } = {}) {
  const t = texts[lang];
  await go(env, page, `/apply/${CODE}`);
  await fits(page);
  assert.ok((await currentStep(page).textContent()).includes(t['steps.answers']));
  assert.equal(await page.locator('.steps-item').count(), 4, 'answers, uploads, check, done');
  if (!elder) {
    for (const field of asked) await fillField(page, field, sampleValue(field));
    await clickAndCheck(env, page, page.locator('button[name="intent"][value="uploads"]'));
  } else {
    for (let i = 0; i < asked.length; i++) {
      // Elder mode's one question a page is counted in the step indicator.
      assert.ok((await currentStep(page).textContent()).includes(`${i + 1} / ${asked.length}`));
      await fillField(page, asked[i], sampleValue(asked[i]));
      const last = i === asked.length - 1;
      await clickAndCheck(env, page, page.locator(`button[name="intent"][value="${last ? 'uploads' : 'next'}"]`));
    }
  }
  assert.match(page.url(), /\/materials$/);
  await fits(page);
  assert.ok((await currentStep(page).textContent()).includes(t['steps.uploads']));
  const id = page.url().match(/applications\/([^/]+)\/materials/)[1];
  const form = page.locator('form:has(input[name="material"][value="premises_proof"])');
  await form.locator('input[type="file"]').setInputFiles({ name: 'lease.pdf', mimeType: 'application/pdf', buffer: PDF });
  await clickAndCheck(env, page, form.locator('button[type="submit"]'));
  await clickAndCheck(env, page, page.locator(`main a[href="/applications/${id}/check"]`));
  return id;
}

async function stateText(page) {
  return (await page.locator('main p .tag').first().textContent()).trim();
}

async function act(env_, page, action, reason) {
  const form = page.locator(`form:has(input[name="action"][value="${action}"])`);
  if (reason !== undefined) await form.locator('textarea[name="reason"]').fill(reason);
  await clickAndCheck(env_, page, form.locator('button[type="submit"]'));
}

for (const [lang, elder] of [['zh', false], ['en', false], ['zh', true]]) {
  const mode = `${lang}${elder ? ', elder mode' : ''}`;
  describe(`the applicant's flow (${mode})`, () => {
    test(`point 6: check your answers with change links, a step indicator and a receipt that prints (${mode})`, async () => {
      const t = texts[lang];
      const page = await citizenPage(lang, { elder, narrow: true });
      const id = await applyToCheck(page, lang, { elder });
      // The check page: every answer with a change link, the upload listed, one button that sends.
      assert.match(page.url(), new RegExp(`/applications/${id}/check$`));
      await fits(page);
      await bigTargets(page, elder);
      assert.equal((await page.locator('h1').textContent()).trim(), t['check.heading']);
      assert.ok((await currentStep(page).textContent()).includes(t['steps.check']));
      const rows = page.locator('dl[aria-labelledby="answers-title"] .summary-row');
      assert.equal(await rows.count(), asked.length);
      for (const field of asked) {
        const row = rows.filter({ hasText: field.label[lang] });
        assert.equal(await row.locator('a').count(), 1, `a change link for ${field.name}`);
      }
      assert.ok((await page.locator('dl[aria-labelledby="files-title"]').textContent()).includes('lease.pdf'));
      // Change one answer: the form keeps the others and leads back to the check page.
      const changed = asked.find((f) => f.name === 'business_scope');
      await clickAndCheck(env, page, rows.filter({ hasText: changed.label[lang] }).locator('a'));
      assert.equal(await page.inputValue(`#field-${changed.name}`), sampleValue(changed));
      await page.fill(`#field-${changed.name}`, '小吃店经营');
      if (elder) {
        // One question a page: continue through the rest, every answer kept.
        for (;;) {
          const next = page.locator('button[name="intent"][value="next"]');
          if (await next.count() === 0) break;
          await clickAndCheck(env, page, next);
        }
      }
      await clickAndCheck(env, page, page.locator('button[name="intent"][value="uploads"]'));
      await clickAndCheck(env, page, page.locator(`main a[href="/applications/${id}/check"]`));
      assert.ok((await page.locator('main').textContent()).includes('小吃店经营'));
      // Send: the receipt.
      await clickAndCheck(env, page, page.locator('form:has(input[name="action"][value="submit"]) button'));
      assert.match(page.url(), new RegExp(`/applications/${id}/submitted$`));
      await fits(page);
      assert.ok((await currentStep(page).textContent()).includes(t['steps.done']));
      assert.equal((await page.locator('.panel-id').textContent()).trim(), id);
      const main = await page.locator('main').textContent();
      assert.match(main, /\d{4}-\d{2}-\d{2}/, 'the deadline');
      assert.ok(main.includes(t['submitted.next_check']), 'says where to check');
      assert.ok(!/会通知您|will notify you/i.test(main), 'promises no message the product does not send');
      // Printed: black on white, no header, navigation or steps; the number is on the paper.
      await page.emulateMedia({ media: 'print' });
      const printed = await page.evaluate(() => ({
        header: getComputedStyle(document.querySelector('.site-header')).display,
        steps: getComputedStyle(document.querySelector('.steps')).display,
        panel: getComputedStyle(document.querySelector('.receipt .panel')).backgroundColor,
        id: getComputedStyle(document.querySelector('.panel-id')).display,
        color: getComputedStyle(document.querySelector('.panel-id')).color,
        issuer: getComputedStyle(document.querySelector('.receipt .print-only')).display,
      }));
      assert.equal(printed.issuer, 'block', 'the printed receipt says who issued it');
      assert.equal(printed.header, 'none');
      assert.equal(printed.steps, 'none');
      assert.equal(printed.panel, 'rgb(255, 255, 255)');
      assert.notEqual(printed.id, 'none');
      assert.equal(printed.color, 'rgb(0, 0, 0)');
      await page.context().close();
    });

    test(`point 5, 7 and 10: a correction leads with its reason; withdrawal asks first; officials' wording; the timeline in plain words (${mode})`, async () => {
      const t = texts[lang];
      const citizen = await citizenPage(lang, { elder, narrow: true });
      const id = await applyToCheck(citizen, lang, { elder });
      await clickAndCheck(env, citizen, citizen.locator('form:has(input[name="action"][value="submit"]) button'));

      const reviewer = await citizenPage(lang, { elder, user: REVIEWER });
      await go(env, reviewer, `/applications/${id}`);
      await act(env, reviewer, 'accept');
      const reason = lang === 'en' ? 'The lease is not signed. Upload a signed copy.' : '租赁合同没有签字，请上传签字的版本。';
      await act(env, reviewer, 'request-correction', reason);

      // Point 5: the applicant's page leads with the reason and "change your answers".
      await go(env, citizen, `/applications/${id}`);
      await fits(citizen);
      await bigTargets(citizen, elder);
      const box = citizen.locator('.correction');
      assert.equal(await box.count(), 1);
      assert.ok((await box.textContent()).includes(reason));
      const order = await citizen.evaluate(() => {
        const main = [...document.querySelectorAll('main h2')];
        return main[0]?.id;
      });
      assert.equal(order, 'correction-title', 'the correction is the first section of the page');
      const primary = box.locator('a.button');
      assert.equal((await primary.textContent()).trim(), t['correction.change']);
      const unchanged = box.locator('button.button--secondary');
      assert.equal((await unchanged.textContent()).trim(), t['correction.unchanged']);
      // The correction form repeats the reason at the top.
      await clickAndCheck(env, citizen, primary);
      assert.match(citizen.url(), /\/apply\//);
      await fits(citizen);
      const top = citizen.locator('main .correction-reason');
      assert.equal((await top.textContent()).trim(), reason);
      // A new file, then check and send again.
      await citizen.goto(`${env.base}/applications/${id}/materials`);
      const form = citizen.locator('form:has(input[name="material"][value="premises_proof"])');
      await form.locator('input[type="file"]').setInputFiles({ name: 'lease-signed.pdf', mimeType: 'application/pdf', buffer: PDF });
      await clickAndCheck(env, citizen, form.locator('button[type="submit"]'));
      await clickAndCheck(env, citizen, citizen.locator(`main a[href="/applications/${id}/check"]`));
      assert.ok((await citizen.locator('main .correction-reason').textContent()).includes(reason));
      await clickAndCheck(env, citizen, citizen.locator('form:has(input[name="action"][value="resubmit"]) button'));
      assert.equal((await citizen.locator('h1').textContent()).trim(), t['submitted.heading_again']);

      // Point 7: officials' wording.
      await go(env, reviewer, `/applications/${id}`);
      await act(env, reviewer, 'approve');
      await act(env, reviewer, 'deliver');
      await act(env, reviewer, 'complete');
      const notice = (await reviewer.locator('.notice').textContent()).trim();
      assert.equal(notice, t['notice.done.official.complete']);
      assert.ok(!/感谢|thank/i.test(notice));

      // Point 10: the timeline in plain words.
      await go(env, citizen, `/applications/${id}`);
      await fits(citizen);
      const heads = await citizen.locator('.timeline-head').allTextContents();
      const timeline = await citizen.locator('.timeline').textContent();
      assert.equal(heads.filter((h) => h.includes(t['timeline.what.draft'])).length, 1, 'draft saves are one entry');
      assert.ok(!timeline.includes('premises_proof') && !timeline.includes('business_scope'), 'no internal codes');
      assert.ok(timeline.includes(item.materials.find((m) => m.code === 'premises_proof').name[lang]), 'the material by its name');
      for (const head of heads) {
        const tags = head.split('·').map((s) => s.trim());
        assert.equal(new Set(tags).size, tags.length, `nothing said twice: ${head}`);
      }
      const completed = heads.find((h) => h.includes(t['timeline.what.complete']));
      assert.ok(completed && !completed.includes(t['state.completed']), `no "Completed · Completed": ${completed}`);
      assert.ok(timeline.includes(reason));
      await citizen.context().close();
      await reviewer.context().close();
    });

    test(`point 7: withdrawal asks for confirmation on a page of its own (${mode})`, async () => {
      const t = texts[lang];
      const page = await citizenPage(lang, { elder, narrow: true });
      const id = await applyToCheck(page, lang, { elder });
      await clickAndCheck(env, page, page.locator('form:has(input[name="action"][value="submit"]) button'));
      await go(env, page, `/applications/${id}`);
      assert.equal(await page.locator('form:has(input[name="action"][value="withdraw"])').count(), 0,
        'no one-click withdrawal on the application page');
      await clickAndCheck(env, page, page.locator(`a[href="/applications/${id}/withdraw"]`));
      await fits(page);
      await bigTargets(page, elder);
      assert.equal((await page.locator('h1').textContent()).trim(), t['withdraw.heading']);
      // Going back changes nothing.
      await clickAndCheck(env, page, page.locator(`main a[href="/applications/${id}"]`));
      assert.equal(await stateText(page), t['state.submitted']);
      await clickAndCheck(env, page, page.locator(`a[href="/applications/${id}/withdraw"]`));
      await page.fill('#reason-withdraw', lang === 'en' ? 'Wrong premises' : '地址填错了');
      await clickAndCheck(env, page, page.locator('form:has(input[name="action"][value="withdraw"]) button'));
      assert.equal(await stateText(page), t['state.withdrawn']);
      await page.context().close();
    });
  });
}

describe('officials on an apply link', () => {
  for (const [lang, elder] of [['zh', false], ['en', false], ['zh', true]]) {
    test(`point 4: a clerk gets an explanation instead of a form, and a posted form loses nothing (${lang}${elder ? ', elder' : ''})`, async () => {
      const t = texts[lang];
      const page = await citizenPage(lang, { elder, narrow: true, user: CLERK });
      const res = await go(env, page, `/apply/${CODE}`);
      assert.equal(res.status(), 200);
      await fits(page);
      assert.equal((await page.locator('h1').textContent()).trim(), t['apply_official.heading']);
      assert.equal(await page.locator(`form[action^="/apply/"]`).count(), 0, 'no apply form');
      assert.equal(await page.locator('main input, main textarea, main select').count(), 0);
      // A form sent anyway (an old tab): refused, and what was typed is shown back.
      const csrf = await page.locator('input[name="csrf_token"]').first().inputValue();
      const typed = '社区便利店';
      await Promise.all([page.waitForNavigation(), page.evaluate(({ code, csrf: token, value }) => {
        const form = document.createElement('form');
        form.method = 'post';
        form.action = `/apply/${code}`;
        for (const [name, v] of [['csrf_token', token], ['business_scope', value], ['intent', 'check']]) {
          const input = document.createElement('input');
          input.type = 'hidden';
          input.name = name;
          input.value = v;
          form.appendChild(input);
        }
        document.body.appendChild(form);
        form.submit();
      }, { code: CODE, csrf, value: typed })]);
      await checkA11y(env, page);
      assert.equal((await page.locator('h1').textContent()).trim(), t['apply_official.heading']);
      assert.ok((await page.locator('main').textContent()).includes(typed), 'what was typed is kept');
      await page.context().close();
    });
  }
});
