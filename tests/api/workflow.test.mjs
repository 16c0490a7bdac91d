// Black-box API tests: the citizen/official flow, refusals that change nothing, isolation between
// citizens, bad input, throttling. Each suite starts the real binary with a fresh database.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, fillFields, simplePersonItem, allItems } from './lib.mjs';

let server;
let anon;
before(async () => {
  server = await startServer();
  anon = new Client(server.url);
});
after(async () => {
  const { code } = await server.stop();
  assert.equal(code, 0, 'a SIGTERM shutdown exits 0');
});

async function submitSimple(citizen, item, extra = {}) {
  const r = await citizen.post('/api/v1/applications', { item: item.code, channel: 'web', fields: fillFields(item), ...extra });
  assert.equal(r.status, 201, r.text);
  return r.data;
}

describe('citizen and official flow', () => {
  test('apply, accept, correct, resubmit, approve, deliver, complete', async () => {
    const citizen = await Client.login(server.url, 'zhang.wei');
    const item = await simplePersonItem(citizen);
    const reviewer = await Client.login(server.url, `reviewer.${item.department}`);

    const app = await submitSimple(citizen, item, { channel: 'mobile' });
    assert.equal(app.state, 'submitted');
    assert.match(app.deadline, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(app.overdue, false);
    for (const m of app.materials) assert.notEqual(m.status, 'missing', 'nothing is missing after submission');

    const queue = await reviewer.get('/api/v1/applications?state=submitted');
    assert.equal(queue.status, 200);
    assert.ok(queue.data.items.some((a) => a.id === app.id), 'the application is in the department queue');

    const steps = [
      [reviewer, 'accept', {}, 'accepted'],
      [reviewer, 'request-correction', { reason: '请补充联系电话的说明' }, 'correction_requested'],
      [citizen, 'resubmit', { channel: 'kiosk' }, 'under_review'],
      [reviewer, 'approve', {}, 'approved'],
      [reviewer, 'deliver', {}, 'delivered'],
      [citizen, 'complete', {}, 'completed'],
    ];
    for (const [who, action, body, state] of steps) {
      const r = await who.post(`/api/v1/applications/${app.id}/actions/${action}`, body);
      assert.equal(r.status, 200, `${action}: ${r.text}`);
      assert.equal(r.data.state, state);
    }

    const events = await citizen.get(`/api/v1/applications/${app.id}/events`);
    assert.equal(events.status, 200);
    const actions = events.data.items.map((e) => e.action);
    assert.deepEqual(actions, ['submit', 'accept', 'request-correction', 'resubmit', 'approve', 'deliver', 'complete']);
    const correction = events.data.items[2];
    assert.equal(correction.reason, '请补充联系电话的说明');
    assert.equal(correction.actor_role, 'reviewer');
    assert.equal(events.data.items[0].channel, 'mobile');
    assert.equal(events.data.items[3].channel, 'kiosk', 'a person who starts on the phone finishes at a kiosk');
    for (const e of events.data.items) {
      assert.match(e.time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
      assert.ok(e.actor);
    }
  });

  test('a draft is saved on the server and resumed from another channel', async () => {
    const citizen = await Client.login(server.url, 'zhang.wei');
    const item = await simplePersonItem(citizen);
    const draft = await citizen.post('/api/v1/applications', { item: item.code, channel: 'mobile', draft: true, fields: {} });
    assert.equal(draft.status, 201, draft.text);
    assert.equal(draft.data.state, 'draft');
    // Later, at a kiosk, with a new session.
    const kiosk = await Client.login(server.url, 'zhang.wei');
    const seen = await kiosk.get(`/api/v1/applications/${draft.data.id}`);
    assert.equal(seen.status, 200);
    assert.equal(seen.data.state, 'draft');
    const patched = await kiosk.request('PATCH', `/api/v1/applications/${draft.data.id}`, { json: { fields: fillFields(item) } });
    assert.equal(patched.status, 200, patched.text);
    const submitted = await kiosk.post(`/api/v1/applications/${draft.data.id}/actions/submit`, { channel: 'kiosk' });
    assert.equal(submitted.status, 200, submitted.text);
    assert.equal(submitted.data.state, 'submitted');
    assert.ok(submitted.data.deadline);
  });
});

describe('service window', () => {
  test('a clerk applies on behalf of a person; only clerks use the window channel', async () => {
    const citizen = await Client.login(server.url, 'zhang.wei');
    const clerk = await Client.login(server.url, 'clerk.pudong');
    const item = await simplePersonItem(citizen);
    const me = (await citizen.get('/api/v1/me')).data;
    assert.match(me.person_id, /^\d{17}[\dX]$/);
    const code = (await citizen.get('/api/v1/me/identity-code')).data.token;
    const assisted = await clerk.post('/api/v1/applications', { item: item.code, channel: 'window', on_behalf_of: me.person_id, identity_code: code, fields: fillFields(item) });
    assert.equal(assisted.status, 201, assisted.text);
    assert.equal(assisted.data.channel, 'window');
    assert.ok(assisted.data.centre, 'the service centre is recorded');
    const mine = await citizen.get('/api/v1/applications');
    assert.ok(mine.data.items.some((a) => a.id === assisted.data.id), 'the person sees what the window filed for them');
    const events = await citizen.get(`/api/v1/applications/${assisted.data.id}/events`);
    assert.equal(events.data.items[0].actor_role, 'clerk');
    const notClerk = await citizen.post('/api/v1/applications', { item: item.code, channel: 'window', fields: fillFields(item) });
    assert.equal(notClerk.status, 403);
    // Someone else's id number with this person's code: the code is no proof for them.
    const unknownPerson = await clerk.post('/api/v1/applications', { item: item.code, channel: 'window', on_behalf_of: '11010519491231002X', identity_code: code, fields: fillFields(item) });
    assert.equal(unknownPerson.status, 403, unknownPerson.text);
    const citizenOnBehalf = await citizen.post('/api/v1/applications', { item: item.code, on_behalf_of: '11010519491231002X', fields: fillFields(item) });
    assert.equal(citizenOnBehalf.status, 403);
  });
});

describe('refusals change nothing', () => {
  test('actions the state or the role does not allow answer 409 or 403', async () => {
    const citizen = await Client.login(server.url, 'zhang.wei');
    const item = await simplePersonItem(citizen);
    const reviewer = await Client.login(server.url, `reviewer.${item.department}`);
    const app = await submitSimple(citizen, item);
    const before = await citizen.get(`/api/v1/applications/${app.id}/events`);

    const refused = [
      [citizen, 'approve', 403], [citizen, 'accept', 403], [citizen, 'deliver', 403], [citizen, 'resubmit', 409],
      [reviewer, 'approve', 409], [reviewer, 'complete', 409], [reviewer, 'withdraw', 403], [reviewer, 'submit', 403],
      [reviewer, 'deliver', 409],
    ];
    for (const [who, action, status] of refused) {
      const r = await who.post(`/api/v1/applications/${app.id}/actions/${action}`, { reason: 'x' });
      assert.equal(r.status, status, `${who.user.id} ${action}: ${r.text}`);
      assert.equal(r.data.error.code, status === 403 ? 'permission_denied' : 'conflict');
      assert.ok(r.data.error.request_id);
    }
    // A rejection without a reason is refused too.
    const noReason = await reviewer.post(`/api/v1/applications/${app.id}/actions/reject`, {});
    assert.equal(noReason.status, 400);
    const unknown = await reviewer.post(`/api/v1/applications/${app.id}/actions/teleport`, {});
    assert.equal(unknown.status, 404);

    const after = await citizen.get(`/api/v1/applications/${app.id}`);
    assert.equal(after.data.state, 'submitted');
    assert.equal(after.data.version, app.version);
    const afterEvents = await citizen.get(`/api/v1/applications/${app.id}/events`);
    assert.deepEqual(afterEvents.data, before.data);
  });

  test('an official of another department cannot see or act', async () => {
    const citizen = await Client.login(server.url, 'zhang.wei');
    const item = await simplePersonItem(citizen);
    const other = ['market', 'hrss', 'police'].find((d) => d !== item.department);
    const stranger = await Client.login(server.url, `reviewer.${other}`);
    const app = await submitSimple(citizen, item);
    assert.equal((await stranger.get(`/api/v1/applications/${app.id}`)).status, 404);
    assert.equal((await stranger.post(`/api/v1/applications/${app.id}/actions/accept`, {})).status, 404);
    const queue = await stranger.get('/api/v1/applications');
    assert.ok(!queue.data.items.some((a) => a.id === app.id));
  });

  test('a fully online item never gets a come-in-person step', async () => {
    const citizen = await Client.login(server.url, 'zhang.wei');
    const items = await allItems(citizen);
    const item = items.find((i) => i.fully_online && i.applicant === 'person' && ['market', 'hrss', 'police'].includes(i.department)
      && !i.materials.some((m) => m.source === 'upload' && m.required));
    assert.ok(item, 'the demo city has a fully online person item');
    const reviewer = await Client.login(server.url, `reviewer.${item.department}`);
    const app = await submitSimple(citizen, item);
    const r = await reviewer.post(`/api/v1/applications/${app.id}/actions/request-correction`, { reason: '请到窗口', in_person: true });
    assert.equal(r.status, 400, r.text);
    assert.equal((await citizen.get(`/api/v1/applications/${app.id}`)).data.state, 'submitted');
  });
});

describe('citizens are isolated from each other', () => {
  test('citizen B cannot read or act on citizen A\'s application on any route', async () => {
    const a = await Client.login(server.url, 'zhang.wei');
    const b = await Client.login(server.url, 'li.na');
    const item = await simplePersonItem(a);
    const app = await submitSimple(a, item);
    const id = app.id;
    const attempts = [
      b.get(`/api/v1/applications/${id}`),
      b.get(`/api/v1/applications/${id}/events`),
      b.request('PATCH', `/api/v1/applications/${id}`, { json: { fields: {} } }),
      b.request('PUT', `/api/v1/applications/${id}/materials/x`, { body: '%PDF-1.4 test' }),
      b.get(`/api/v1/applications/${id}/materials/x`),
      ...['submit', 'accept', 'reject', 'request-correction', 'resubmit', 'approve', 'refuse', 'deliver', 'complete', 'withdraw']
        .map((action) => b.post(`/api/v1/applications/${id}/actions/${action}`, { reason: 'x' })),
    ];
    for (const r of await Promise.all(attempts)) {
      assert.ok([403, 404].includes(r.status), `got ${r.status}: ${r.text}`);
    }
    const list = await b.get('/api/v1/applications');
    assert.ok(!list.data.items.some((x) => x.id === id));
    assert.equal((await a.get(`/api/v1/applications/${id}`)).data.version, app.version);
  });

  test('without a session every application route answers 401', async () => {
    for (const r of await Promise.all([
      anon.get('/api/v1/applications'),
      anon.post('/api/v1/applications', { item: 'x' }),
      anon.get('/api/v1/applications/01ABC'),
      anon.post('/api/v1/applications/01ABC/actions/accept', {}),
    ])) {
      assert.equal(r.status, 401);
      assert.equal(r.data.error.code, 'unauthenticated');
    }
  });
});

describe('bad input gets a clear 4xx', () => {
  test('malformed JSON, wrong types, unknown items, bad fields', async () => {
    const citizen = await Client.login(server.url, 'zhang.wei', undefined, { lang: 'en' });
    const item = await simplePersonItem(citizen);
    const malformed = await citizen.request('POST', '/api/v1/applications', {
      body: '{"item": ', headers: { 'content-type': 'application/json' },
    });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.data.error.code, 'invalid_argument');
    assert.ok(malformed.data.error.message.length > 10);

    const wrongType = await citizen.post('/api/v1/applications', { item: 42 });
    assert.equal(wrongType.status, 400);
    const wrongFields = await citizen.post('/api/v1/applications', { item: item.code, fields: [] });
    assert.equal(wrongFields.status, 400);
    const unknownItem = await citizen.post('/api/v1/applications', { item: 'no.such-item', fields: {} });
    assert.equal(unknownItem.status, 404);
    const badChannel = await citizen.post('/api/v1/applications', { item: item.code, channel: 'fax', fields: {} });
    assert.equal(badChannel.status, 400);
    const missing = await citizen.post('/api/v1/applications', { item: item.code, fields: {} });
    if (item.fields.some((f) => f.required && !f.source)) {
      assert.equal(missing.status, 400);
      assert.ok(missing.data.error.fields.length > 0);
      for (const f of missing.data.error.fields) assert.ok(f.field && f.message, JSON.stringify(f));
    }
    const unknownField = await citizen.post('/api/v1/applications', { item: item.code, fields: { ...fillFields(item), shoe_size: 42 } });
    assert.equal(unknownField.status, 400);
    assert.ok(unknownField.data.error.fields.some((f) => f.field === 'shoe_size'));
    const sourced = item.fields.find((f) => f.source);
    if (sourced) {
      const r = await citizen.post('/api/v1/applications', { item: item.code, fields: { ...fillFields(item), [sourced.name]: 'x' } });
      assert.equal(r.status, 400, 'a field from shared data is never asked for');
    }
    const list = await citizen.get('/api/v1/applications?state=bogus');
    assert.equal(list.status, 400);
  });

  test('messages follow Accept-Language', async () => {
    const zh = await new Client(server.url, { lang: 'zh-CN,zh;q=0.9' }).post('/api/v1/session', { username: 'zhang.wei', password: 'wrong-password' });
    const en = await new Client(server.url, { lang: 'en-GB,en;q=0.9' }).post('/api/v1/session', { username: 'zhang.wei', password: 'wrong-password' });
    assert.equal(zh.status, 401);
    assert.equal(en.status, 401);
    assert.notEqual(zh.data.error.message, en.data.error.message);
    assert.match(zh.data.error.message, /[\u4e00-\u9fff]/);
    assert.match(en.data.error.message, /[a-z]/);
  });

  test('an oversized body answers 413', async () => {
    const citizen = await Client.login(server.url, 'zhang.wei');
    const big = 'x'.repeat(13 * 1024 * 1024);
    let status;
    try {
      status = (await citizen.request('POST', '/api/v1/applications', { body: big, headers: { 'content-type': 'application/json' } })).status;
    } catch (e) {
      status = 'connection closed early: ' + e.message;
    }
    assert.equal(status, 413);
  });

  test('unknown routes answer 404 JSON', async () => {
    const r = await anon.get('/api/v1/nothing-here');
    assert.equal(r.status, 404);
    assert.equal(r.data.error.code, 'not_found');
  });

  test('an encoded slash stays inside its path parameter and never climbs out of a folder', async () => {
    const item = await anon.get('/api/v1/items/hrss%2Fsocial-security-card');
    assert.equal(item.status, 404, 'one parameter "hrss/social-security-card", an unknown item');
    assert.equal(item.data.error.code, 'not_found');
    for (const path of ['/static/..%2F..%2Fconfig%2Ftongban.example.yaml', '/static/..%2Fi18n%2Fen.json']) {
      const r = await anon.get(path);
      assert.equal(r.status, 404, path);
      assert.doesNotMatch(r.text, /listen|"page\./, path);
    }
    assert.equal((await anon.get('/static/site.css')).status, 200);
  });
});

describe('uploads', () => {
  test('content decides the type; 10 MB at most; shared data is never uploaded', async () => {
    const agent = await Client.login(server.url, 'wang.fang');
    const me = (await agent.get('/api/v1/me')).data;
    assert.equal(me.enterprises.length, 1, JSON.stringify(me));
    const enterprise = me.enterprises[0].code;
    const item = (await agent.get('/api/v1/items/market.business-licence')).data;
    const draft = await agent.post('/api/v1/applications', { item: item.code, enterprise, draft: true, fields: fillFields(item) });
    assert.equal(draft.status, 201, draft.text);
    const id = draft.data.id;
    // Submitting without the uploads names each missing material.
    const early = await agent.post(`/api/v1/applications/${id}/actions/submit`, {});
    assert.equal(early.status, 400, early.text);
    assert.ok(early.data.error.fields.some((f) => f.field === 'materials.articles_of_association'));

    const put = (code, body, name = 'file.pdf') => agent.request('PUT', `/api/v1/applications/${id}/materials/${code}`,
      { body, headers: { 'x-file-name': encodeURIComponent(name), 'content-type': 'application/pdf' } });
    const fake = await put('articles_of_association', 'MZ\x90\x00 this is not a PDF', 'articles.pdf');
    assert.equal(fake.status, 400, 'a file is judged by its content, not its name');
    const tooBig = await put('articles_of_association', Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(10 * 1024 * 1024 + 1)]));
    assert.equal(tooBig.status, 413);
    const shared = await put('legal_representative_id', Buffer.from('%PDF-1.7\n'));
    assert.equal(shared.status, 400, 'a shared-data material is never asked for');

    const pdf = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const a = await put('articles_of_association', pdf, '章程.pdf');
    assert.equal(a.status, 200, a.text);
    const b = await put('premises_proof', png, 'lease.png');
    assert.equal(b.status, 200, b.text);
    const m = b.data.materials.find((x) => x.code === 'premises_proof');
    assert.equal(m.content_type, 'image/png');
    assert.equal(b.data.materials.find((x) => x.code === 'articles_of_association').file_name, '章程.pdf');
    assert.equal(b.data.materials.find((x) => x.code === 'legal_representative_id').status, 'to_be_fetched');

    const back = await fetch(`${server.url}/api/v1/applications/${id}/materials/articles_of_association`,
      { headers: { authorization: `Bearer ${agent.token}` } });
    assert.equal(back.status, 200);
    assert.deepEqual(Buffer.from(await back.arrayBuffer()), pdf);

    const submitted = await agent.post(`/api/v1/applications/${id}/actions/submit`, { channel: 'web' });
    assert.equal(submitted.status, 200, submitted.text);
    assert.equal(submitted.data.state, 'submitted');
    const listed = await agent.get(`/api/v1/applications?enterprise=${enterprise}`);
    assert.ok(listed.data.items.some((x) => x.id === id));
    // A citizen with no rights for the enterprise cannot apply for it.
    const citizen = await Client.login(server.url, 'li.na');
    const denied = await citizen.post('/api/v1/applications', { item: item.code, enterprise, fields: fillFields(item) });
    assert.equal(denied.status, 403, denied.text);
  });
});

describe('catalogue', () => {
  test('items are searchable in Chinese and English', async () => {
    const zh = await anon.get('/api/v1/items?q=' + encodeURIComponent('营业执照'));
    assert.equal(zh.status, 200);
    assert.ok(zh.data.items.some((i) => i.code === 'market.business-licence'));
    const en = await anon.get('/api/v1/items?q=business%20licence');
    assert.ok(en.data.items.some((i) => i.code === 'market.business-licence'));
    const one = await anon.get('/api/v1/items/market.business-licence');
    assert.equal(one.status, 200);
    for (const key of ['code', 'name', 'department', 'fully_online', 'instant', 'on_the_spot', 'legal_limit_days', 'promised_limit_days', 'materials', 'fields']) {
      assert.ok(key in one.data, key);
    }
    assert.equal((await anon.get('/api/v1/items/nope')).status, 404);
    for (const path of ['/api/v1/departments', '/api/v1/districts', '/api/v1/service-centres', '/api/v1/bundles']) {
      const r = await anon.get(path);
      assert.equal(r.status, 200, path);
      assert.ok(r.data.items.length > 0, path);
    }
    assert.equal((await anon.get('/api/v1/districts')).data.items.length, 16);
    assert.equal((await anon.get('/api/v1/bundles/open-a-restaurant')).status, 200);
  });

  test('every response carries the security headers and a request id', async () => {
    const r = await anon.get('/api/v1/items');
    assert.match(r.headers.get('content-security-policy'), /default-src 'self'/);
    assert.equal(r.headers.get('x-frame-options'), 'DENY');
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
    assert.match(r.headers.get('x-request-id'), /^[A-Za-z0-9-]{8,64}$/);
  });
});

describe('enterprise agents act with the rights their administrator gave them', () => {
  test('grant, apply within the items granted, no withdrawal without that right', async () => {
    const admin = await Client.login(server.url, 'wang.fang');
    const agent = await Client.login(server.url, 'zhao.lei');
    const enterprise = (await admin.get('/api/v1/me')).data.enterprises[0].code;
    const item = (await admin.get('/api/v1/items/market.business-licence')).data;
    const draft = { item: item.code, enterprise, draft: true, fields: fillFields(item) };

    const before = await agent.post('/api/v1/applications', draft);
    assert.equal(before.status, 403, 'an agent without rights cannot apply');
    const byAgent = await agent.request('PUT', `/api/v1/enterprises/${enterprise}/agents/zhao.lei`, { json: { may_apply: true } });
    assert.equal(byAgent.status, 403, 'only the administrator grants rights');
    const citizenTarget = await admin.request('PUT', `/api/v1/enterprises/${enterprise}/agents/li.na`, { json: { may_apply: true } });
    assert.equal(citizenTarget.status, 400);

    const granted = await admin.request('PUT', `/api/v1/enterprises/${enterprise}/agents/zhao.lei`,
      { json: { may_apply: true, may_withdraw: false, items: [item.code] } });
    assert.equal(granted.status, 200, granted.text);
    const created = await agent.post('/api/v1/applications', draft);
    assert.equal(created.status, 201, created.text);
    const other = (await allItems(agent)).find((i) => i.applicant === 'enterprise' && i.code !== item.code);
    const outside = await agent.post('/api/v1/applications', { item: other.code, enterprise, draft: true, fields: {} });
    assert.equal(outside.status, 403, 'items outside the grant are refused');
    const withdraw = await agent.post(`/api/v1/applications/${created.data.id}/actions/withdraw`, {});
    assert.equal(withdraw.status, 403);
    const adminWithdraw = await admin.post(`/api/v1/applications/${created.data.id}/actions/withdraw`, {});
    assert.equal(adminWithdraw.status, 200, adminWithdraw.text);
    assert.equal(adminWithdraw.data.state, 'withdrawn');

    const revoked = await admin.request('PUT', `/api/v1/enterprises/${enterprise}/agents/zhao.lei`, { json: { may_apply: false } });
    assert.equal(revoked.status, 200);
    assert.equal((await agent.post('/api/v1/applications', draft)).status, 403);
  });
});
