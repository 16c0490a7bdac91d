// Issue 11 item 3's gaps at the window console over HTTP (services/window_prefill.h): the clerk
// sees the person's pre-filled data in the visit (GET /api/v1/prefill?visit=...), read with the
// clerk as accessor and the visit as purpose (the person sees it in their access log), then
// submits for them with assisted_by recorded; without the clerk's own open visit nothing is read.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, fillFields, allItems } from './lib.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

async function codeOf(client) {
  const r = await client.get('/api/v1/me/identity-code');
  assert.equal(r.status, 200, r.text);
  return r.data.token;
}

// A personal item taken at windows whose form reads the person's data, without required uploads.
async function windowItemWithData(client) {
  const items = await allItems(client);
  const item = items.find((i) => i.applicant === 'person' && i.channels.includes('window')
    && i.fields.some((f) => f.source === 'shared_data') && !i.fields.some((f) => f.pattern)
    && !i.materials.some((m) => m.source === 'upload' && m.required) && i.eligibility.length === 0);
  assert.ok(item, 'a window item that reads the person\'s data');
  return item;
}

test('window prefill: the clerk sees the person\'s pre-filled data in the visit, logged with the clerk as accessor, and submits for them', async () => {
  const citizen = await Client.login(server.url, 'zhang.wei');
  const clerk = await Client.login(server.url, 'clerk.pudong', undefined, { lang: 'en' });
  const other = await Client.login(server.url, 'clerk.lujiazui', undefined, { lang: 'en' });
  const me = (await citizen.get('/api/v1/me')).data;
  const item = await windowItemWithData(citizen);
  const logOf = async () => (await citizen.get('/api/v1/me/access-log?page_size=100')).data.items;
  const before = (await logOf()).length;

  // Without a visit: refused, nothing read.
  const none = await clerk.get(`/api/v1/prefill?item=${item.code}&visit=no-such-visit`);
  assert.equal(none.status, 403, none.text);
  assert.equal(none.data.error.code, 'permission_denied');
  assert.match(none.data.error.message, /no such window visit/);
  assert.equal((await logOf()).length, before);

  const visit = await clerk.post('/api/v1/window/visits', { identity_code: await codeOf(citizen) });
  assert.equal(visit.status, 201, visit.text);
  const id = visit.data.id;
  const afterVisit = (await logOf()).length;  // the visit's read of the person's identity

  // Another clerk cannot read in this clerk's visit.
  const foreign = await other.get(`/api/v1/prefill?item=${item.code}&visit=${id}`);
  assert.equal(foreign.status, 403, foreign.text);
  assert.match(foreign.data.error.message, /another clerk/);

  const r = await clerk.get(`/api/v1/prefill?item=${item.code}&visit=${id}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.equal(r.data.visit, id);
  const filled = Object.entries(r.data.fields);
  assert.ok(filled.length > 0, r.text);
  for (const [, v] of filled) assert.ok(v.source.dataset && v.source.record, JSON.stringify(v));

  // The person sees who read it: the clerk, for this visit.
  const log = await logOf();
  assert.ok(log.length > afterVisit, 'the prefill read is logged');
  const entry = log.find((e) => e.purpose === `window_visit:${id}` && !e.legal_basis.startsWith('identity_code:'));
  assert.ok(entry, JSON.stringify(log.slice(0, 5)));
  assert.equal(entry.accessor.user, clerk.user.id);
  assert.equal(entry.accessor.role, 'clerk');

  // The confirm step: submitted for the person, assisted_by the clerk.
  const sent = await clerk.post('/api/v1/applications', {
    item: item.code, channel: 'window', on_behalf_of: me.person_id, visit: id, fields: fillFields(item),
  });
  assert.equal(sent.status, 201, sent.text);
  assert.equal(sent.data.state, 'submitted');
  assert.equal(sent.data.assisted_by.user_id, clerk.user.id);

  // Closed, the visit reads nothing more.
  await clerk.post(`/api/v1/window/visits/${id}/close`, {});
  const count = (await logOf()).length;
  const closed = await clerk.get(`/api/v1/prefill?item=${item.code}&visit=${id}`);
  assert.equal(closed.status, 403, closed.text);
  assert.match(closed.data.error.message, /ended/);
  assert.equal((await logOf()).length, count);
});

test('window bundle: the clerk submits one bundle case for the person in the visit, its sub-cases routed to their departments', async () => {
  const citizen = await Client.login(server.url, 'zhang.wei');
  const clerk = await Client.login(server.url, 'clerk.pudong', undefined, { lang: 'en' });
  const me = (await citizen.get('/api/v1/me')).data;
  const bundle = (await citizen.get('/api/v1/bundles/retire')).data;
  const fields = {};
  for (const code of bundle.items) {
    const item = (await citizen.get(`/api/v1/items/${code}`)).data;
    for (const [name, value] of Object.entries(fillFields(item))) if (!(name in fields)) fields[name] = value;
  }
  if ('bank_account' in fields) fields.bank_account = '622202123456789012';
  const visit = await clerk.post('/api/v1/window/visits', { identity_code: await codeOf(citizen) });
  assert.equal(visit.status, 201, visit.text);
  const id = visit.data.id;

  // The merged pre-filled form, read for the visit.
  const merged = await clerk.get(`/api/v1/prefill?bundle=retire&visit=${id}`);
  assert.equal(merged.status, 200, merged.text);
  assert.equal(merged.data.visit, id);
  assert.ok(merged.data.materials.every((m) => bundle.items.includes(m.item)), merged.text);

  const made = await clerk.post('/api/v1/applications', { bundle: 'retire', on_behalf_of: me.person_id, visit: id, fields });
  assert.equal(made.status, 201, made.text);
  assert.deepEqual(made.data.sub_cases.map((s) => [s.item, s.department, s.state]),
    [['hrss.retirement-application', 'hrss', 'submitted'], ['housing.provident-fund-withdrawal', 'housing', 'submitted']]);
  for (const sub of made.data.sub_cases) {
    const events = (await citizen.get(`/api/v1/applications/${sub.id}/events`)).data.items;
    assert.ok(events.every((e) => e.assisted_by?.user_id === clerk.user.id), JSON.stringify(events));
    assert.ok(sub.deadline, JSON.stringify(sub));
  }
  // The person sees their bundle case.
  assert.equal((await citizen.get(`/api/v1/applications/${made.data.id}`)).status, 200);
});
