// The officials' workbench, reference numbers, masked ID numbers and pages that fit a phone
// (issue 8 points 8, 9 and 14), through the pages as a reviewer and a clerk use them. axe-core
// checks every page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import {
  CITIZEN, PDF, REVIEWER, checkA11y, clickAndCheck, go, pickMarketItem, sampleValue, signIn, start, texts,
} from './harness.mjs';

const CLERK = { username: 'clerk.market', password: 'demo-password-1' };
const CENTRE_CLERK = { username: 'clerk.pudong', password: 'demo-password-1' };

let env;
let cases;  // [{id, reference, person_id}], made through the API by the citizen

async function api(token, method, url, body, headers = {}) {
  const res = await fetch(env.base + url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body && !(body instanceof Buffer) ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body instanceof Buffer ? body : body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, data: text ? JSON.parse(text) : null, text };
}

async function submitCase(token, choice) {
  const fields = {};
  for (const f of choice.asked) fields[f.name] = sampleValue(f);
  for (const f of choice.asked) if (f.type === 'number') fields[f.name] = Number(fields[f.name]);
  for (const f of choice.asked) if (f.type === 'boolean') fields[f.name] = true;
  const created = await api(token, 'POST', '/api/v1/applications', { item: choice.item.code, channel: 'web', fields, draft: true });
  assert.equal(created.status, 201, created.text);
  for (const m of choice.uploads) {
    const put = await api(token, 'PUT', `/api/v1/applications/${created.data.id}/materials/${m.code}`, PDF,
      { 'content-type': 'application/pdf', 'x-file-name': 'proof.pdf' });
    assert.equal(put.status, 200, put.text);
  }
  const sent = await api(token, 'POST', `/api/v1/applications/${created.data.id}/actions/submit`, {});
  assert.equal(sent.status, 200, sent.text);
  return sent.data;
}

before(async () => {
  env = await start();
  const login = await fetch(`${env.base}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(CITIZEN),
  });
  const token = (await login.json()).token;
  const choice = await pickMarketItem(env);
  cases = [];
  for (let i = 0; i < 3; i++) cases.push(await submitCase(token, choice));
  // The first case is made overdue, as days passing would: its deadline moves into the past.
  execFileSync('sqlite3', ['-cmd', '.timeout 10000', path.join(env.dir, 't.db'),
    `UPDATE applications SET deadline = '2026-01-05' WHERE id = '${cases[0].id}'`]);
});

after(async () => {
  if (env) {
    console.log(`axe-core checked ${env.checked.length} page loads`);
    await env.stop();
  }
});

async function search(page, query) {
  await page.fill('#office-q', query);
  await clickAndCheck(env, page, page.locator('form.filter button[type="submit"]'));
}

function rowOf(page, id) {
  return page.locator('tbody tr', { has: page.locator(`a[href="/applications/${id}"]`) });
}

describe('point 8: the workbench', () => {
  test('point 8: search by reference, name and ID number; overdue marked; counts shown', async () => {
    const t = texts.zh;
    const page = await env.newPage();
    await signIn(env, page, REVIEWER, 'zh');
    assert.match(page.url(), /\/office$/);
    assert.equal((await page.locator('h1').textContent()).trim(), t['office.heading']);
    assert.equal((await page.locator('nav.main-nav a[href="/office"]').textContent()).trim(), t['nav.office_reviewer']);
    const counts = await page.locator('.queue-counts').textContent();
    assert.match(counts, new RegExp(`3\\s*${t['office.waiting']}`));
    assert.match(counts, new RegExp(`1\\s*${t['office.overdue_count']}`));
    // Earliest deadline first: the overdue case leads, marked.
    const first = page.locator('tbody tr').first();
    assert.equal(await first.locator(`a[href="/applications/${cases[0].id}"]`).count(), 1);
    assert.equal((await first.locator('.tag--overdue').textContent()).trim(), t['application.overdue']);

    await search(page, cases[1].reference);
    assert.equal(await page.locator('tbody tr').count(), 1);
    assert.equal(await rowOf(page, cases[1].id).count(), 1);
    await search(page, cases[1].reference.toLowerCase().replaceAll('-', ' '));
    assert.equal(await rowOf(page, cases[1].id).count(), 1);
    await search(page, '张');
    assert.equal(await page.locator('tbody tr').count(), 3);
    await search(page, cases[0].applicant.person_id);
    assert.equal(await page.locator('tbody tr').count(), 3);
    // The applicant by name and a masked ID number, never the full number.
    const applicant = await rowOf(page, cases[0].id).locator('td').first().textContent();
    assert.ok(applicant.includes('张伟'));
    const full = cases[0].applicant.person_id;
    assert.ok(applicant.includes(`${full.slice(0, 6)}********${full.slice(14)}`), applicant);
    // (The search box and the forms' return address keep what the official typed; the list shows no more.)
    assert.ok(!(await page.locator('table').innerText()).includes(full), 'the full ID number is not in the list');
    await go(env, page, `/applications/${cases[0].id}`);
    const summary = await page.locator('main dl').first().textContent();
    assert.ok(summary.includes('张伟') && summary.includes(`${full.slice(0, 6)}********${full.slice(14)}`), summary);
    assert.ok(!summary.includes(full), 'the full ID number is not on the case page');
    assert.ok(summary.includes(cases[0].reference), 'the reference is shown beside the id');
    await go(env, page, '/office');

    // A mistyped check character: nothing found, and a hint to read the number again.
    const typo = cases[1].reference.slice(0, -1) + (cases[1].reference.at(-1) === 'A' ? 'B' : 'A');
    await search(page, typo);
    assert.equal((await page.locator('.error-summary li').first().textContent()).trim(), t['error.application.reference_check']);
    assert.equal(await page.locator('#office-q').inputValue(), typo, 'what was typed is kept');
    await page.context().close();
  });

  test('point 8: assign a case to oneself, then to a colleague; "mine" finds it; the history records it', async () => {
    const t = texts.en;
    const page = await env.newPage({ locale: 'en-GB' });
    await signIn(env, page, REVIEWER, 'en');
    const row = rowOf(page, cases[2].id);
    await clickAndCheck(env, page, row.locator('button', { hasText: t['office.assign_me'] }));
    assert.equal((await page.locator('.notice').textContent()).trim(), t['notice.done.assign']);
    assert.equal((await rowOf(page, cases[2].id).locator('td').last().textContent()).includes('刘洋'), true);
    await page.check('#office-mine');
    await clickAndCheck(env, page, page.locator('form.filter button[type="submit"]'));
    assert.equal(await page.locator('tbody tr').count(), 1);

    // To a colleague, from the case's page.
    await go(env, page, `/applications/${cases[2].reference}`);
    assert.ok((await page.locator('main').textContent()).includes(cases[2].reference));
    await clickAndCheck(env, page, page.locator(`a[href="/applications/${cases[2].id}/assign"]`));
    await page.locator('label', { hasText: '周婷' }).click();
    await clickAndCheck(env, page, page.locator('main form button[type="submit"]'));
    assert.match(page.url(), /done=assign/);
    assert.ok((await page.locator('main dl').first().textContent()).includes('周婷'));
    assert.ok((await page.locator('.timeline').textContent()).includes(`${t['timeline.what.assign']}: 周婷`));
    await page.context().close();

    // The clerk of the department sees it under "mine"; the menu says what a clerk does.
    const clerk = await env.newPage();
    await signIn(env, clerk, CLERK, 'zh');
    assert.equal((await clerk.locator('nav.main-nav a[href="/office"]').textContent()).trim(), texts.zh['nav.office_clerk']);
    // The official's name once.
    const account = await clerk.locator('.account-name').textContent();
    assert.equal(account.split('周婷').length - 1, 1, account);
    await go(env, clerk, '/office?mine=1');
    assert.equal(await rowOf(clerk, cases[2].id).count(), 1);
    await clerk.context().close();
  });
});

// Every page of the three flows (citizen applies, reviewer decides, clerk at a window).
async function pagesOf(role) {
  const c = cases[1];
  if (role === 'citizen') {
    return ['/', '/items?q=', `/items/${c.item}`, `/apply/${c.item}`, '/applications', `/applications/${c.id}`,
      `/applications/${c.reference}`, `/applications/${c.id}/submitted`];
  }
  if (role === 'reviewer') {
    return ['/office', `/office?q=${encodeURIComponent(c.reference)}`, '/office?state=submitted&mine=1',
      `/applications/${c.id}`, `/applications/${c.id}/assign`];
  }
  return ['/office', `/applications/${c.id}`, `/apply/${c.item}`];
}

describe('point 14: pages that fit a phone', () => {
  for (const [role, user] of [['citizen', CITIZEN], ['reviewer', REVIEWER], ['clerk', CLERK], ['centre clerk', CENTRE_CLERK]]) {
    for (const mode of ['zh', 'en', 'elder']) {
      test(`point 14: no page of the ${role}'s flow scrolls sideways at 360 px (${mode})`, async () => {
        const page = await env.newPage({ viewport: { width: 360, height: 740 }, locale: mode === 'en' ? 'en-GB' : 'zh-CN' });
        if (mode === 'elder') await page.goto(`${env.base}/prefs?elder=1&return=/`);
        await signIn(env, page, user);
        for (const url of await pagesOf(role === 'centre clerk' ? 'clerk' : role)) {
          await go(env, page, url);
          const width = await page.evaluate(() => document.documentElement.scrollWidth);
          assert.ok(width <= 360, `${url} is ${width} px wide`);
          // Every status is whole on screen.
          const cut = await page.evaluate(() => [...document.querySelectorAll('main .tag')]
            .filter((el) => el.getBoundingClientRect().right > 360 || el.scrollWidth > el.clientWidth + 1)
            .map((el) => el.textContent));
          assert.deepEqual(cut, [], `${url}: statuses cut`);
        }
        await page.context().close();
      });
    }
  }

  test('point 14: in elder mode every target is at least 44 x 44 px and nothing is hidden', async () => {
    for (const [role, user] of [['citizen', CITIZEN], ['reviewer', REVIEWER]]) {
      const page = await env.newPage({ viewport: { width: 360, height: 740 } });
      await page.goto(`${env.base}/prefs?elder=1&return=/login`);
      await checkA11y(env, page);
      const urls = ['/login', ...(await pagesOf(role))];
      let signedIn = false;
      for (const url of urls) {
        if (url !== '/login' && !signedIn) {
          await signIn(env, page, user);
          signedIn = true;
        }
        await go(env, page, url);
        const small = await page.evaluate(() => [...document.querySelectorAll('a, button, input, select, textarea, label.checkbox-label, label.radio-label')]
          .filter((el) => {
            if (el.closest('.skip-link, .visually-hidden') || el.classList.contains('skip-link')) return false;
            if (el.type === 'hidden') return false;
            // Links inside running text are as tall as their line (WCAG 2.5.8's inline exception).
            if (el.tagName === 'A' && el.parentElement && ['P', 'DD', 'LI'].includes(el.parentElement.tagName)
                && el.parentElement.textContent.trim().length > el.textContent.trim().length + 2) return false;
            const r = el.getBoundingClientRect();
            return r.height < 44 || r.width < 44;
          })
          .map((el) => `${el.outerHTML.slice(0, 90)} ${Math.round(el.getBoundingClientRect().width)}x${Math.round(el.getBoundingClientRect().height)}`));
        assert.deepEqual(small, [], `${url} in elder mode`);
        const hidden = await page.evaluate(() => [...document.querySelectorAll('main *')]
          .filter((el) => el.getBoundingClientRect().width > 1  // not the screen-reader-only table head
            && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'hidden')
          .map((el) => el.outerHTML.slice(0, 80)));
        assert.deepEqual(hidden, [], `${url}: content clipped`);
      }
      await page.context().close();
    }
  });
});
