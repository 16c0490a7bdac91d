// Black-box tests of the officials' workbench and reference numbers (issue 8 points 8 and 9):
// GET by reference, search filters, assignment permissions. Runs on SQLite and, with
// TONGBAN_TEST_DB=postgres, on PostgreSQL.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, fillFields, allItems } from './lib.mjs';

let server;
let citizen;
let reviewer;
let clerk;
let otherReviewer;
let item;
let app;

// An item of the market department a citizen can apply for (the market department has a reviewer
// and a clerk to assign to).
async function marketPersonItem(client) {
  const items = await allItems(client);
  const found = items.find((i) => i.department === 'market' && i.applicant === 'person' && !i.fields.some((f) => f.pattern));
  assert.ok(found, 'a market person item');
  return found;
}

// Creates a draft, uploads what it needs, and sends it.
async function submitWithUploads(client, it) {
  const created = await client.post('/api/v1/applications', { item: it.code, channel: 'web', fields: fillFields(it), draft: true });
  assert.equal(created.status, 201, created.text);
  for (const m of it.materials.filter((x) => x.source === 'upload' && x.required)) {
    const put = await client.request('PUT', `/api/v1/applications/${created.data.id}/materials/${m.code}`,
      { body: Buffer.from('%PDF-1.7\n'), headers: { 'content-type': 'application/pdf' } });
    assert.equal(put.status, 200, put.text);
  }
  const sent = await client.post(`/api/v1/applications/${created.data.id}/actions/submit`, {});
  assert.equal(sent.status, 200, sent.text);
  return sent.data;
}

before(async () => {
  server = await startServer();
  citizen = await Client.login(server.url, 'zhang.wei');
  reviewer = await Client.login(server.url, 'reviewer.market');
  clerk = await Client.login(server.url, 'clerk.market');
  otherReviewer = await Client.login(server.url, 'reviewer.hrss');
  item = await marketPersonItem(citizen);
  app = await submitWithUploads(citizen, item);
});
after(async () => {
  await server.stop();
});

describe('point 9: reference numbers', () => {
  test('point 9: every application has a reference that works in GET like its id', async () => {
    assert.match(app.reference, /^SH-\d{4}-\d{4}-\d{4,}[0-9A-Z]$/);
    assert.equal(app.applicant.name, '张伟');
    for (const name of [app.reference, app.reference.toLowerCase(), app.reference.replaceAll('-', '')]) {
      const r = await reviewer.get(`/api/v1/applications/${encodeURIComponent(name)}`);
      assert.equal(r.status, 200, `${name}: ${r.text}`);
      assert.equal(r.data.id, app.id);
      assert.equal(r.data.reference, app.reference);
    }
    const events = await citizen.get(`/api/v1/applications/${app.reference}/events`);
    assert.equal(events.status, 200);
    assert.ok(events.data.items.some((e) => e.action === 'submit'));
    // Invisible to another department, by reference as by id.
    assert.equal((await otherReviewer.get(`/api/v1/applications/${app.reference}`)).status, 404);
  });

  test('point 9: a mistyped check character is not found, with a hint', async () => {
    const last = app.reference.at(-1);
    const typo = app.reference.slice(0, -1) + (last === 'A' ? 'B' : 'A');
    const r = await reviewer.get(`/api/v1/applications/${typo}`);
    assert.equal(r.status, 404);
    assert.equal(r.data.error.code, 'not_found');
    assert.match(r.data.error.message, /校验|check/);
    const en = await new Client(server.url, { token: reviewer.token, lang: 'en' }).get(`/api/v1/applications/${typo}`);
    assert.match(en.data.error.message, /last character/);
  });
});

describe('point 8: the workbench', () => {
  test('point 8: search by reference, applicant name, ID number, item and state; sort by deadline', async () => {
    const ids = async (query) => {
      const r = await reviewer.get(`/api/v1/applications?${query}`);
      assert.equal(r.status, 200, `${query}: ${r.text}`);
      return r.data.items.map((a) => a.id);
    };
    assert.deepEqual(await ids(`q=${encodeURIComponent(app.reference)}`), [app.id]);
    assert.ok((await ids(`q=${encodeURIComponent('张')}&sort=deadline`)).includes(app.id));
    assert.match(app.applicant.person_id, /^\d{17}[\dX]$/);
    assert.ok((await ids(`q=${app.applicant.person_id}`)).includes(app.id), 'by ID number');
    assert.ok((await ids(`item=${item.code}&state=submitted&sort=deadline`)).includes(app.id));
    assert.deepEqual(await ids(`q=${encodeURIComponent('王')}`), []);
    assert.deepEqual(await ids(`q=${encodeURIComponent(app.reference)}&state=completed`), []);
    const bad = await reviewer.get('/api/v1/applications?sort=sideways');
    assert.equal(bad.status, 400);
    const long = await reviewer.get(`/api/v1/applications?q=${'a'.repeat(60)}`);
    assert.equal(long.status, 400);
  });

  test('point 8: only officials of the department assign, to themselves or a colleague', async () => {
    const path = `/api/v1/applications/${app.reference}/assignment`;
    // The applicant, another department and an assignee from another department change nothing.
    assert.equal((await citizen.post(path, { assignee: reviewer.user.id })).status, 403);
    assert.equal((await otherReviewer.post(path, { assignee: otherReviewer.user.id })).status, 404);
    const foreign = await reviewer.post(path, { assignee: otherReviewer.user.id });
    assert.equal(foreign.status, 400, foreign.text);
    assert.equal((await reviewer.post(path, { assignee: reviewer.user.id, extra: 1 })).status, 400);
    let got = await reviewer.get(`/api/v1/applications/${app.id}`);
    assert.equal(got.data.assignee, null);

    const mine = await reviewer.post(path, { assignee: reviewer.user.id });
    assert.equal(mine.status, 200, mine.text);
    assert.equal(mine.data.assignee, reviewer.user.id);
    assert.equal(mine.data.state, 'submitted', 'an assignment is not a transition');
    const toClerk = await reviewer.post(path, { assignee: clerk.user.id });
    assert.equal(toClerk.status, 200, toClerk.text);
    assert.equal(toClerk.data.assignee, clerk.user.id);

    const listed = await clerk.get('/api/v1/applications?mine=true&sort=deadline');
    assert.deepEqual(listed.data.items.map((a) => a.id), [app.id]);
    assert.deepEqual((await reviewer.get('/api/v1/applications?mine=true')).data.items, []);
    assert.equal((await citizen.get('/api/v1/applications?mine=true')).status, 400);

    const events = await reviewer.get(`/api/v1/applications/${app.id}/events`);
    const assigns = events.data.items.filter((e) => e.action === 'assign');
    assert.equal(assigns.length, 2, 'each assignment is in the case history');
    assert.equal(assigns[1].actor, reviewer.user.id);
    assert.equal(assigns[1].from, 'submitted');
    assert.equal(assigns[1].to, 'submitted');
  });
});
