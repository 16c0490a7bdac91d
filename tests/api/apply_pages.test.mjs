// The applicant's pages as a black box (issue 8 points 4, 6 and 7; issue 7 item 2), on SQLite and,
// with TONGBAN_TEST_DB=postgres, PostgreSQL: what each POST stores, what it refuses, and that
// submission happens only from the check-your-answers page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, DEMO_PASSWORD, allItems, fillFields, simplePersonItem, startServer } from './lib.mjs';

const FORM = 'application/x-www-form-urlencoded';
let server;

before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

// A cookie session as a browser has it: {cookie, csrf}.
async function session(username) {
  const r = await fetch(`${server.url}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  assert.equal(r.status, 200);
  const set = r.headers.getSetCookie().find((c) => c.startsWith('tongban_session='));
  return { cookie: set.split(';')[0], csrf: (await r.json()).csrf_token };
}

async function page(s, method, path, fields) {
  const r = await fetch(server.url + path, {
    method,
    redirect: 'manual',
    headers: { cookie: s.cookie, ...(fields ? { 'content-type': FORM } : {}) },
    body: fields ? new URLSearchParams({ csrf_token: s.csrf, ...fields }).toString() : undefined,
  });
  return { status: r.status, location: r.headers.get('location') ?? '', text: await r.text() };
}

test('point 4: an official reaching an apply link gets an explanation, and a posted form is refused showing what was typed', async () => {
  const citizen = await Client.login(server.url, 'zhang.wei');
  const item = await simplePersonItem(citizen);
  const clerk = await session('clerk.pudong');
  const shown = await page(clerk, 'GET', `/apply/${item.code}`);
  assert.equal(shown.status, 200);
  assert.ok(!shown.text.includes(`action="/apply/${item.code}`), 'no apply form');
  const typed = fillFields(item);
  const text = Object.entries(typed).find(([, v]) => typeof v === 'string' && v.length > 3);
  const posted = await page(clerk, 'POST', `/apply/${item.code}`, { ...typed, intent: 'check' });
  assert.equal(posted.status, 403);
  if (text) assert.ok(posted.text.includes(text[1]), 'what was typed is shown back');
  const reviewer = await session('reviewer.market');
  assert.equal((await page(reviewer, 'POST', `/apply/${item.code}`, { intent: 'save' })).status, 403);
});

test('point 6: continuing stores a draft and leads to the check page; only the check page submits', async () => {
  const api = await Client.login(server.url, 'zhang.wei');
  // A person item without required uploads that asks at least two questions, one of them required.
  const item = (await allItems(api)).find((i) => i.applicant === 'person' && !i.fields.some((f) => f.pattern)
    && !i.materials.some((m) => m.source === 'upload' && m.required)
    && i.fields.filter((f) => !f.source).length >= 2 && i.fields.some((f) => !f.source && f.required));
  assert.ok(item, 'an item to apply for');
  const s = await session('zhang.wei');
  const values = fillFields(item);
  const required = item.fields.find((f) => !f.source && f.required);
  const partial = { ...values, [required.name]: '' };
  // Issue 7 item 2: one required answer missing: 400 with the error summary, the other answers
  // stored in the draft the page now carries.
  const first = await page(s, 'POST', `/apply/${item.code}`, { ...partial, intent: 'check' });
  assert.equal(first.status, 400);
  const id = first.text.match(/name="application" value="([^"]+)"/)?.[1];
  assert.ok(id, 'the form carries the draft it stored');
  const draft = await api.get(`/api/v1/applications/${id}`);
  assert.equal(draft.data.state, 'draft');
  const other = item.fields.find((f) => !f.source && f.name !== required.name && typeof values[f.name] === 'string');
  if (other) assert.equal(draft.data.fields[other.name], values[other.name]);

  const done = await page(s, 'POST', `/apply/${item.code}`, { ...values, application: id, intent: 'check' });
  assert.equal(done.status, 303);
  assert.equal(done.location, `/applications/${id}/check`);
  assert.equal((await api.get(`/api/v1/applications/${id}`)).data.state, 'draft', 'continuing does not submit');
  const detail = await page(s, 'GET', `/applications/${id}`);
  assert.ok(detail.text.includes(`href="/applications/${id}/check"`), "a draft's page leads to the check page");
  assert.ok(!detail.text.includes('name="action" value="submit"'), 'no submission that skips the check page');
  const check = await page(s, 'GET', `/applications/${id}/check`);
  assert.equal(check.status, 200);
  assert.ok(check.text.includes(`/apply/${item.code}?application=${id}#field-${required.name}`), 'a change link per answer');
  assert.ok(check.text.includes('name="action" value="submit"'));
  const sent = await page(s, 'POST', `/applications/${id}/act`, { action: 'submit' });
  assert.equal(sent.status, 303);
  assert.equal(sent.location, `/applications/${id}/submitted`);
  assert.equal((await api.get(`/api/v1/applications/${id}`)).data.state, 'submitted');
  // Once sent, the check page and the form lead back to the application.
  assert.equal((await page(s, 'GET', `/applications/${id}/check`)).location, `/applications/${id}`);
  const receipt = await page(s, 'GET', `/applications/${id}/submitted`);
  assert.equal(receipt.status, 200);
  assert.ok(receipt.text.includes(id));
});

test('point 7: the withdrawal page asks first and changes nothing by itself', async () => {
  const api = await Client.login(server.url, 'zhang.wei');
  const item = await simplePersonItem(api);
  const created = await api.post('/api/v1/applications', { item: item.code, channel: 'web', fields: fillFields(item) });
  assert.equal(created.status, 201, created.text);
  const id = created.data.id;
  const s = await session('zhang.wei');
  const detail = await page(s, 'GET', `/applications/${id}`);
  assert.ok(detail.text.includes(`href="/applications/${id}/withdraw"`));
  assert.ok(!detail.text.includes('name="action" value="withdraw"'), 'no one-click withdrawal');
  const confirm = await page(s, 'GET', `/applications/${id}/withdraw`);
  assert.equal(confirm.status, 200);
  assert.ok(confirm.text.includes('name="action" value="withdraw"'));
  assert.equal((await api.get(`/api/v1/applications/${id}`)).data.state, 'submitted');
  // Someone who may not withdraw is sent back to the application (or does not see it at all).
  const reviewer = await session('reviewer.market');
  const theirs = await page(reviewer, 'GET', `/applications/${id}/withdraw`);
  assert.ok([303, 404].includes(theirs.status), String(theirs.status));
  // A reason that is too long comes back on the withdrawal page, kept, and nothing changes.
  const long = '撤'.repeat(5000);
  const refused = await page(s, 'POST', `/applications/${id}/act`, { action: 'withdraw', reason: long });
  assert.equal(refused.status, 400);
  assert.ok(refused.text.includes('id="reason-withdraw-error"'));
  assert.ok(refused.text.includes(long), 'the reason typed is kept');
  assert.equal((await api.get(`/api/v1/applications/${id}`)).data.state, 'submitted');
  const done = await page(s, 'POST', `/applications/${id}/act`, { action: 'withdraw', reason: '' });
  assert.equal(done.status, 303);
  assert.equal((await api.get(`/api/v1/applications/${id}`)).data.state, 'withdrawn');
});
