// The whole life of an application, through the pages only, in Chinese, in English and in elder
// mode: a citizen finds a market item, applies (a first try with a required answer left empty
// shows the error summary), uploads what the item needs, checks the answers and submits; the market reviewer accepts
// and asks for a correction (a first try without the required reason is refused); the citizen
// resubmits; the reviewer approves and delivers; the citizen completes. axe-core checks every page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CITIZEN, PDF, REVIEWER, checkA11y, clickAndCheck, fillField, go, pickMarketItem, sampleValue, signIn, start, texts,
} from './harness.mjs';

let env;
let choice;

before(async () => {
  env = await start();
  choice = await pickMarketItem(env);
  console.log(`flow item: ${choice.item.code}, ${choice.asked.length} questions, ${choice.uploads.length} required uploads`);
});

after(async () => {
  if (env) {
    console.log(`axe-core checked ${env.checked.length} page loads`);
    await env.stop();
  }
});

function actionButton(page, action) {
  return page.locator(`form:has(input[name="action"][value="${action}"]) button[type="submit"]`);
}

async function stateText(page) {
  return (await page.locator('main p .tag').first().textContent()).trim();
}

// Takes one action on the detail page and returns to it.
async function act(page, action, reason) {
  const form = page.locator(`form:has(input[name="action"][value="${action}"])`);
  if (reason !== undefined) await form.locator('textarea[name="reason"]').fill(reason);
  await clickAndCheck(env, page, actionButton(page, action));
}

// Answers the form on the current page (every question shown), leaving `skip` empty.
async function answerAll(page, asked, skip) {
  for (const field of asked) {
    await fillField(page, field, field.name === skip ? (field.type === 'select' || field.type === 'boolean' ? '' : '') : sampleValue(field));
  }
}

async function citizenApplies(page, lang, { elder }) {
  const t = texts[lang];
  const { item, uploads, asked } = choice;
  // Home, search, result, item page.
  await go(env, page, '/');
  assert.equal(await page.getAttribute('html', 'lang'), lang);
  assert.equal((await page.locator('h1').textContent()).trim(), t['home.heading']);
  await page.fill('#search-q', lang === 'zh' ? item.name.zh : item.name.en);
  await clickAndCheck(env, page, page.locator('form[role="search"] button[type="submit"]'));
  assert.match(page.url(), /\/items\?q=/);
  await clickAndCheck(env, page, page.locator(`a[href="/items/${item.code}"]`).first());
  assert.equal((await page.locator('h1').textContent()).trim(), item.name[lang]);
  await clickAndCheck(env, page, page.locator(`a[href="/apply/${item.code}"]`).first());

  const required = asked.find((f) => f.required);
  if (!elder) {
    // Every question on one page. First try: one required answer left empty.
    await answerAll(page, asked, required.name);
    const next = uploads.length > 0 ? 'uploads' : 'check';
    await clickAndCheck(env, page, page.locator(`button[name="intent"][value="${next}"]`));
    const summary = page.locator('.error-summary');
    await summary.waitFor();
    assert.equal((await summary.locator('h2').textContent()).trim(), t['form.error_summary_title']);
    const link = summary.locator(`a[href="#field-${required.name}"]`);
    assert.equal(await link.count(), 1, 'the summary links to the empty field');
    assert.equal((await page.locator(`#field-${required.name}-error`).textContent()).replace(t['form.error_prefix'], '').trim(),
      t['error.field.required']);
    // What was typed is kept.
    const kept = asked.find((f) => f.name !== required.name && f.type !== 'select' && f.type !== 'boolean');
    if (kept) assert.equal(await page.inputValue(`#field-${kept.name}`), sampleValue(kept));
    assert.match(await page.title(), new RegExp(`^${t['page.error_prefix'].trim()}`));
    // The link moves focus to the field.
    await link.click();
    await page.waitForFunction((id) => document.activeElement?.id === id, `field-${required.name}`, { timeout: 5000 });
    await fillField(page, required, sampleValue(required));
    if (uploads.length > 0) await clickAndCheck(env, page, page.locator('button[name="intent"][value="uploads"]'));
    else await clickAndCheck(env, page, page.locator('button[name="intent"][value="check"]'));
  } else {
    // One question per page.
    for (let i = 0; i < asked.length; i++) {
      const field = asked[i];
      assert.equal(await page.locator('main .field input, main .field select, main .field textarea').count(), 1,
        'elder mode asks one question per page');
      assert.equal(await page.locator(`#field-${field.name}`).count(), 1);
      await fillField(page, field, sampleValue(field));
      const last = i === asked.length - 1;
      const intent = !last ? 'next' : uploads.length > 0 ? 'uploads' : 'check';
      await clickAndCheck(env, page, page.locator(`button[name="intent"][value="${intent}"]`));
    }
  }

  if (uploads.length > 0) {
    assert.match(page.url(), /\/applications\/[^/]+\/materials$/);
    for (const material of uploads) {
      const form = page.locator(`form:has(input[name="material"][value="${material.code}"])`);
      await form.locator('input[type="file"]').setInputFiles({ name: 'proof.pdf', mimeType: 'application/pdf', buffer: PDF });
      await clickAndCheck(env, page, form.locator('button[type="submit"]'));
      assert.match(page.url(), /uploaded=1/);
    }
    await clickAndCheck(env, page, page.locator('main a[href$="/check"]'));
  }
  // Check your answers, then send.
  assert.match(page.url(), /\/applications\/[^/]+\/check$/);
  assert.equal((await page.locator('h1').textContent()).trim(), t['check.heading']);
  await clickAndCheck(env, page, actionButton(page, 'submit'));
  // Confirmation with the application number and the deadline.
  assert.match(page.url(), /\/applications\/[^/]+\/submitted$/);
  assert.equal((await page.locator('h1').textContent()).trim(), t['submitted.heading']);
  const id = (await page.locator('.panel-id').textContent()).trim();
  assert.ok(id.length > 0);
  assert.match(await page.locator('main').textContent(), /\d{4}-\d{2}-\d{2}/, 'the deadline is shown');

  // My applications lists it, submitted.
  await clickAndCheck(env, page, page.locator('main a[href="/applications"]'));
  const row = page.locator('tbody tr', { has: page.locator(`a[href="/applications/${id}"]`) });
  assert.equal(await row.count(), 1);
  assert.equal((await row.locator('.tag').first().textContent()).trim(), t['state.submitted']);
  assert.equal(await page.locator('table caption').count(), 1);
  return id;
}

async function runFlow(lang, { elder = false } = {}) {
  const t = texts[lang];
  const citizen = await env.newPage();
  // Language and elder mode are chosen with the links in the header, as a person would.
  await go(env, citizen, '/');
  if (lang === 'en') {
    await clickAndCheck(env, citizen, citizen.locator('a[hreflang="en"]'));
    assert.equal(await citizen.getAttribute('html', 'lang'), 'en');
  }
  if (elder) {
    await clickAndCheck(env, citizen, citizen.locator('header a[href^="/prefs?elder=1"]'));
    assert.equal(await citizen.getAttribute('html', 'class'), 'elder');
    const size = await citizen.evaluate(() => getComputedStyle(document.documentElement).fontSize);
    assert.equal(size, '22px');
  }
  await signIn(env, citizen, CITIZEN, lang);
  const id = await citizenApplies(citizen, lang, { elder });

  // The reviewer, in the same language.
  const reviewer = await env.newPage({ locale: lang === 'en' ? 'en-GB' : 'zh-CN' });
  await signIn(env, reviewer, REVIEWER, lang);
  assert.match(reviewer.url(), /\/office$/);
  if (elder) {
    await clickAndCheck(env, reviewer, reviewer.locator('header a[href^="/prefs?elder=1"]'));
  }
  // The queue, filtered to submitted applications.
  await reviewer.selectOption('#office-state', 'submitted');
  await clickAndCheck(env, reviewer, reviewer.locator('form.filter button[type="submit"]'));
  await clickAndCheck(env, reviewer, reviewer.locator(`a[href="/applications/${id}"]`));
  assert.equal(await stateText(reviewer), t['state.submitted']);
  await act(reviewer, 'accept');
  assert.equal(await stateText(reviewer), t['state.accepted']);
  assert.equal((await reviewer.locator('.notice').textContent()).trim(), t['notice.done.accept']);
  // A correction needs a reason: first without one.
  await act(reviewer, 'request-correction', '');
  assert.equal((await reviewer.locator('.error-summary li').first().textContent()).trim(), t['error.action.reason_required']);
  assert.equal(await stateText(reviewer), t['state.accepted'], 'nothing changed');
  const reason = lang === 'en' ? 'The premises proof is not signed. Upload a signed copy.' : '住所证明没有签字，请上传签字的版本。';
  await act(reviewer, 'request-correction', reason);
  assert.equal(await stateText(reviewer), t['state.correction_requested']);

  // The citizen sees the reason in the history and sends the application again.
  await go(env, citizen, `/applications/${id}`);
  assert.equal(await stateText(citizen), t['state.correction_requested']);
  assert.ok((await citizen.locator('.timeline').textContent()).includes(reason));
  await act(citizen, 'resubmit');
  assert.match(citizen.url(), /\/submitted$/);
  await go(env, citizen, `/applications/${id}`);
  assert.equal(await stateText(citizen), t['state.under_review']);

  // Reviewer approves and delivers.
  await go(env, reviewer, `/applications/${id}`);
  await act(reviewer, 'approve');
  assert.equal(await stateText(reviewer), t['state.approved']);
  await act(reviewer, 'deliver');
  assert.equal(await stateText(reviewer), t['state.delivered']);
  // Back in the queue: delivered.
  await go(env, reviewer, '/office?state=delivered');
  assert.equal(await reviewer.locator(`a[href="/applications/${id}"]`).count(), 1);

  // Citizen completes.
  await go(env, citizen, `/applications/${id}`);
  await act(citizen, 'complete');
  assert.equal(await stateText(citizen), t['state.completed']);
  assert.equal(await citizen.locator('form:has(input[name="action"])').count(), 0, 'no action is left');
  const history = await citizen.locator('.timeline li').count();
  assert.ok(history >= 7, `the timeline lists every step (${history})`);

  // Sign out.
  await clickAndCheck(env, citizen, citizen.locator('form[action="/logout"] button'));
  assert.equal(await citizen.locator('form[action="/logout"]').count(), 0);
  await citizen.context().close();
  await reviewer.context().close();
}

describe('application flow through the pages', () => {
  test('in Chinese', async () => { await runFlow('zh'); });
  test('in English', async () => { await runFlow('en'); });
  test('in elder mode (one question per page)', async () => { await runFlow('zh', { elder: true }); });
});
