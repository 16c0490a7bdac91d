// Regression tests for the security review of the application workflow (issue 6): findings 1, 3,
// 5, 6, 10 and 12, black box against the real binary (SQLite, or PostgreSQL with TONGBAN_TEST_DB).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, fillFields, simplePersonItem, allItems } from './lib.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

async function submitSimple(citizen, item) {
  const r = await citizen.post('/api/v1/applications', { item: item.code, channel: 'web', fields: fillFields(item) });
  assert.equal(r.status, 201, r.text);
  return r.data;
}

const act = (who, id, action, body) => who.post(`/api/v1/applications/${id}/actions/${action}`, body);
const actions = async (who, id) => (await who.get(`/api/v1/applications/${id}/events`)).data.items.map((e) => e.action);

// The web page's action form, as a browser posts it (a bearer token needs no CSRF token).
const actForm = (who, id, fields) => who.request('POST', `/applications/${id}/act`, {
  body: new URLSearchParams(fields).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
});

test('finding 1: an action body cannot rewrite the form', async () => {
  const citizen = await Client.login(server.url, 'zhang.wei');
  const item = await simplePersonItem(citizen);
  const reviewer = await Client.login(server.url, `reviewer.${item.department}`);
  const app = await submitSimple(citizen, item);
  const someField = Object.keys(fillFields(item))[0];

  const reject = await act(reviewer, app.id, 'reject',
    { reason: '材料不全', fields: { [someField]: 'OVERWRITTEN', injected_unknown_field: 'y'.repeat(1000) } });
  assert.equal(reject.status, 400, reject.text);
  assert.deepEqual(reject.data.error.fields.map((f) => f.field), ['fields']);
  const withdraw = await act(citizen, app.id, 'withdraw',
    { fields: { contact_phone: 'not-a-phone', bogus: 'z'.repeat(100000) } });
  assert.equal(withdraw.status, 400, withdraw.text);
  // Every action refuses a body field it does not take, by name.
  const unknown = await act(reviewer, app.id, 'accept', { injected: 1 });
  assert.equal(unknown.status, 400, unknown.text);
  assert.deepEqual(unknown.data.error.fields.map((f) => f.field), ['injected']);
  const presence = await act(reviewer, app.id, 'accept', { in_person: true });
  assert.equal(presence.status, 400, presence.text);
  assert.deepEqual(presence.data.error.fields.map((f) => f.field), ['in_person']);
  // The web page's form handler applies the same rule.
  const page = await actForm(reviewer, app.id, { action: 'reject', reason: '材料不全', [someField]: 'OVERWRITTEN' });
  assert.equal(page.status, 400, page.text.slice(0, 500));

  const after = await citizen.get(`/api/v1/applications/${app.id}`);
  assert.deepEqual(after.data.fields, app.fields);
  assert.equal(after.data.version, app.version);
  assert.equal(after.data.state, 'submitted');
  assert.deepEqual(await actions(citizen, app.id), ['submit']);

  // Resubmission carries corrected answers: validated as PATCH validates them, and recorded.
  assert.equal((await act(reviewer, app.id, 'request-correction', { reason: '请核对' })).status, 200);
  const bad = await act(citizen, app.id, 'resubmit', { fields: { ...fillFields(item), bogus: 'z' } });
  assert.equal(bad.status, 400, bad.text);
  assert.ok(bad.data.error.fields.some((f) => f.field === 'bogus'));
  assert.equal((await citizen.get(`/api/v1/applications/${app.id}`)).data.state, 'correction_requested');
  const good = await act(citizen, app.id, 'resubmit', { fields: fillFields(item) });
  assert.equal(good.status, 200, good.text);
  assert.equal(good.data.state, 'under_review');
  assert.deepEqual(await actions(citizen, app.id), ['submit', 'request-correction', 'update', 'resubmit']);
});

test('finding 3: the enterprise application list applies the agent\'s rights', async () => {
  const admin = await Client.login(server.url, 'wang.fang');
  const agent = await Client.login(server.url, 'zhao.lei');
  const enterprise = (await admin.get('/api/v1/me')).data.enterprises[0].code;
  const create = async (code) => {
    const item = (await admin.get(`/api/v1/items/${code}`)).data;
    const r = await admin.post('/api/v1/applications', { item: code, enterprise, draft: true, fields: fillFields(item) });
    assert.equal(r.status, 201, r.text);
    return r.data.id;
  };
  const licence = await create('market.business-licence');
  const items = (await admin.get('/api/v1/items?page_size=100')).data.items;
  const other = items.find((i) => i.applicant === 'enterprise' && i.code !== 'market.business-licence');
  const otherId = await create(other.code);
  const list = (who) => who.get(`/api/v1/applications?enterprise=${enterprise}`);

  const none = await list(agent);
  assert.equal(none.status, 403, 'an agent with no rights lists nothing: ' + none.text);
  const limited = await admin.request('PUT', `/api/v1/enterprises/${enterprise}/agents/zhao.lei`,
    { json: { may_apply: true, items: ['market.business-licence'] } });
  assert.equal(limited.status, 200, limited.text);
  const some = await list(agent);
  assert.equal(some.status, 200, some.text);
  assert.deepEqual(some.data.items.map((a) => a.id), [licence], 'only the items granted');
  const filtered = await agent.get(`/api/v1/applications?enterprise=${enterprise}&item=${other.code}`);
  assert.deepEqual(filtered.data.items, []);
  assert.equal((await agent.get(`/api/v1/applications/${otherId}`)).status, 404, 'the list agrees with reading one');

  await admin.request('PUT', `/api/v1/enterprises/${enterprise}/agents/zhao.lei`, { json: { may_apply: true } });
  const all = await list(agent);
  assert.deepEqual(new Set(all.data.items.map((a) => a.id)), new Set([licence, otherId]));

  await admin.request('PUT', `/api/v1/enterprises/${enterprise}/agents/zhao.lei`, { json: { may_apply: false } });
  assert.equal((await list(agent)).status, 403, 'rights withdrawn: nothing listed');
});

test('finding 6: officials cannot list or open a draft', async () => {
  const citizen = await Client.login(server.url, 'zhang.wei');
  // A market item, so that the department's window clerk (clerk.market) is tried too.
  const item = (await allItems(citizen)).find((i) => i.department === 'market' && i.applicant === 'person'
    && !i.fields.some((f) => f.pattern));
  assert.ok(item, 'the demo city has a market item for persons');
  const draft = await citizen.post('/api/v1/applications', { item: item.code, draft: true, fields: fillFields(item) });
  assert.equal(draft.status, 201, draft.text);
  const id = draft.data.id;
  for (const name of [`reviewer.${item.department}`, 'clerk.market']) {
    const official = await Client.login(server.url, name);
    for (const path of [`/api/v1/applications/${id}`, `/api/v1/applications/${id}/events`,
      `/api/v1/applications/${id}/materials/any`]) {
      const r = await official.get(path);
      assert.equal(r.status, 404, `${name} ${path}: ${r.text}`);
    }
    assert.equal((await act(official, id, 'accept', {})).status, 404);
    for (const query of ['', '?state=draft']) {
      const r = await official.get(`/api/v1/applications${query}`);
      assert.equal(r.status, 200, r.text);
      assert.ok(!r.data.items.some((a) => a.id === id), `${name} lists the draft with "${query}"`);
    }
    assert.equal((await official.get(`/applications/${id}`)).status, 404, 'the page too');
  }
  for (const m of item.materials.filter((x) => x.source === 'upload' && x.required)) {
    const put = await citizen.request('PUT', `/api/v1/applications/${id}/materials/${m.code}`, { body: Buffer.from('%PDF-1.7\n') });
    assert.equal(put.status, 200, put.text);
  }
  const submitted = await act(citizen, id, 'submit', {});
  assert.equal(submitted.status, 200, submitted.text);
  const reviewer = await Client.login(server.url, `reviewer.${item.department}`);
  assert.equal((await reviewer.get(`/api/v1/applications/${id}`)).status, 200, 'submitted: the department sees it');
});

test('finding 10: granting rights does not tell which enterprises or usernames exist', async () => {
  const admin = await Client.login(server.url, 'wang.fang');
  const stranger = await Client.login(server.url, 'li.na');
  const enterprise = (await admin.get('/api/v1/me')).data.enterprises[0].code;
  const put = (who, code, username) => who.request('PUT', `/api/v1/enterprises/${code}/agents/${username}`, { json: { may_apply: true } });
  const same = (a, b, what) => {
    assert.equal(a.status, b.status, `${what}: ${a.text} vs ${b.text}`);
    assert.equal(a.data.error.code, b.data.error.code, what);
    assert.equal(a.data.error.message, b.data.error.message, what);
  };
  const existing = await put(stranger, enterprise, 'zhao.lei');
  same(existing, await put(stranger, '91350100M000100Y43', 'zhao.lei'), 'unknown enterprise');
  same(existing, await put(stranger, 'NOT-A-CODE', 'zhao.lei'), 'malformed enterprise code');
  assert.equal(existing.status, 403);
  const citizen = await put(admin, enterprise, 'li.na');
  same(citizen, await put(admin, enterprise, 'no.such-user'), 'unknown username');
  assert.equal(citizen.status, 400);
});

test('finding 5: over-long input is refused naming the field; a long file name is cut by characters', async () => {
  const citizen = await Client.login(server.url, 'zhang.wei');
  const item = await simplePersonItem(citizen);
  const reviewer = await Client.login(server.url, `reviewer.${item.department}`);
  const app = await submitSimple(citizen, item);
  const tooLong = await act(reviewer, app.id, 'reject', { reason: '理'.repeat(2001) });
  assert.equal(tooLong.status, 400, tooLong.text);
  assert.deepEqual(tooLong.data.error.fields.map((f) => f.field), ['reason']);
  const many = {};
  for (let i = 0; i < 101; i++) many[`f${i}`] = 'x';
  const form = await citizen.post('/api/v1/applications', { item: item.code, fields: many });
  assert.equal(form.status, 400, form.text);
  assert.deepEqual(form.data.error.fields.map((f) => f.field), ['fields'], 'one error for the form, not 101');
  assert.equal((await citizen.get(`/api/v1/applications/${app.id}`)).data.version, app.version);
  assert.equal((await act(reviewer, app.id, 'reject', { reason: '理'.repeat(2000) })).status, 200);

  const admin = await Client.login(server.url, 'wang.fang');
  const enterprise = (await admin.get('/api/v1/me')).data.enterprises[0].code;
  const licence = (await admin.get('/api/v1/items/market.business-licence')).data;
  const draft = await admin.post('/api/v1/applications', { item: licence.code, enterprise, draft: true, fields: fillFields(licence) });
  const name = 'a' + '章'.repeat(300) + '.pdf';
  const put = await admin.request('PUT', `/api/v1/applications/${draft.data.id}/materials/articles_of_association`,
    { body: Buffer.from('%PDF-1.7\n'), headers: { 'x-file-name': encodeURIComponent(name) } });
  assert.equal(put.status, 200, put.text);
  const kept = put.data.materials.find((m) => m.code === 'articles_of_association').file_name;
  assert.equal([...kept].length, 200);
  assert.equal(kept, [...name].slice(0, 200).join(''));
});

test('finding 12: a non-UTF-8 upload file name is refused with a translated message', async () => {
  const admin = await Client.login(server.url, 'wang.fang');
  const enterprise = (await admin.get('/api/v1/me')).data.enterprises[0].code;
  const licence = (await admin.get('/api/v1/items/market.business-licence')).data;
  const draft = await admin.post('/api/v1/applications', { item: licence.code, enterprise, draft: true, fields: fillFields(licence) });
  const messages = [];
  for (const lang of ['zh', 'en']) {
    const r = await admin.request('PUT', `/api/v1/applications/${draft.data.id}/materials/articles_of_association`,
      { body: Buffer.from('%PDF-1.7\n'), headers: { 'x-file-name': 'lease%FF.pdf', 'accept-language': lang } });
    assert.equal(r.status, 400, r.text);
    assert.deepEqual(r.data.error.fields.map((f) => f.field), ['file_name']);
    assert.doesNotMatch(r.data.error.message, /UTF-8|^error\./, r.text);
    messages.push(r.data.error.message);
  }
  assert.match(messages[0], /[\u4e00-\u9fff]/);
  assert.notEqual(messages[0], messages[1]);
  const after = await admin.get(`/api/v1/applications/${draft.data.id}`);
  assert.equal(after.data.version, draft.data.version);
});
