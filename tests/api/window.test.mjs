// Issue 11 items 3 and 6 over HTTP (services/window.h): the comprehensive window. A clerk acts for
// a person only with their identity code or the window visit it opened; the person sees who did
// it for them (assisted_by) in their events; an expired code that opened no visit is refused and
// writes nothing; a draft started at the window is continued on the web (and a web draft by the
// clerk in a visit), with each step's channel in the events.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, fillFields, simplePersonItem } from './lib.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

async function codeOf(client) {
  const r = await client.get('/api/v1/me/identity-code');
  assert.equal(r.status, 200, r.text);
  return r.data.token;
}

test('window: a clerk accepts an application for a person with their identity code, and the person sees the assisted record', async () => {
  const citizen = await Client.login(server.url, 'zhang.wei');
  const clerk = await Client.login(server.url, 'clerk.pudong', undefined, { lang: 'en' });
  const other = await Client.login(server.url, 'clerk.lujiazui', undefined, { lang: 'en' });
  const me = (await citizen.get('/api/v1/me')).data;
  const item = await simplePersonItem(citizen);
  const before = (await citizen.get('/api/v1/applications')).data.items.length;

  // Without the person's code: refused, nothing written.
  const bare = await clerk.post('/api/v1/applications', { item: item.code, channel: 'window', on_behalf_of: me.person_id, fields: fillFields(item) });
  assert.equal(bare.status, 403, bare.text);
  assert.match(bare.data.error.message, /identity code/i);
  assert.equal((await citizen.get('/api/v1/applications')).data.items.length, before);

  // The scanner types the code: the visit opens and names the person, id number masked.
  const code = await codeOf(citizen);
  const visit = await clerk.post('/api/v1/window/visits', { identity_code: code });
  assert.equal(visit.status, 201, visit.text);
  assert.equal(visit.data.person.name, me.name ?? visit.data.person.name);
  assert.match(visit.data.person.masked_id, /\*{8}/);
  assert.equal(visit.data.open, true);
  assert.equal(visit.data.centre, 'pudong-district-centre');

  const r = await clerk.post('/api/v1/applications', {
    item: item.code, channel: 'window', on_behalf_of: me.person_id, visit: visit.data.id, fields: fillFields(item),
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.assisted_by.user_id, clerk.user.id);
  assert.equal(r.data.assisted_by.centre, 'pudong-district-centre');

  // The person sees it, and who did it for them where.
  const events = await citizen.get(`/api/v1/applications/${r.data.id}/events`);
  assert.equal(events.status, 200, events.text);
  const first = events.data.items[0];
  assert.equal(first.channel, 'window');
  assert.equal(first.assisted_by.user_id, clerk.user.id);
  assert.equal(first.assisted_by.name, clerk.user.name);
  assert.equal(first.assisted_by.centre, 'pudong-district-centre');
  assert.equal((await citizen.get(`/api/v1/applications/${r.data.id}`)).data.assisted_by.user_id, clerk.user.id);

  // Another clerk cannot use this clerk's visit, nor the code it came from.
  for (const proof of [{ visit: visit.data.id }, { identity_code: code }]) {
    const refused = await other.post('/api/v1/applications', { item: item.code, channel: 'window', on_behalf_of: me.person_id, ...proof, fields: fillFields(item) });
    assert.equal(refused.status, 403, refused.text);
    assert.match(refused.data.error.message, /another clerk/);
  }
  assert.equal((await other.get(`/api/v1/window/visits/${visit.data.id}`)).status, 404);

  // Closed: the visit is no proof any more.
  const closed = await clerk.post(`/api/v1/window/visits/${visit.data.id}/close`, {});
  assert.equal(closed.status, 200, closed.text);
  assert.equal(closed.data.open, false);
  const late = await clerk.post('/api/v1/applications', { item: item.code, channel: 'window', on_behalf_of: me.person_id, visit: visit.data.id, fields: fillFields(item) });
  assert.equal(late.status, 403, late.text);
  assert.match(late.data.error.message, /ended/);
  assert.equal((await citizen.get('/api/v1/applications')).data.items.length, before + 1);
});

test('window: an expired identity code that opened no visit is refused, and nothing is written', async () => {
  const citizen = await Client.login(server.url, 'li.na');
  const clerk = await Client.login(server.url, 'clerk.pudong', undefined, { lang: 'en' });
  const me = (await citizen.get('/api/v1/me')).data;
  const item = await simplePersonItem(citizen);
  const code = await codeOf(citizen);
  const before = (await citizen.get('/api/v1/applications')).data.items.length;
  await new Promise((r) => setTimeout(r, 61000));  // a code lives 60 s
  const refused = await clerk.post('/api/v1/applications', { item: item.code, channel: 'window', on_behalf_of: me.person_id, identity_code: code, fields: fillFields(item) });
  assert.equal(refused.status, 403, refused.text);
  assert.match(refused.data.error.message, /expired/);
  const visit = await clerk.post('/api/v1/window/visits', { identity_code: code });
  assert.equal(visit.status, 403, visit.text);
  assert.equal((await citizen.get('/api/v1/applications')).data.items.length, before);
  assert.equal((await clerk.get('/api/v1/window/visits')).data.items.length, 0);
});

test('window: a draft started at the window is continued on the web, and a web draft by the clerk in a visit, each step with its channel', async () => {
  const citizen = await Client.login(server.url, 'zhang.jianguo');
  const clerk = await Client.login(server.url, 'clerk.pudong');
  const me = (await citizen.get('/api/v1/me')).data;
  const item = await simplePersonItem(citizen);
  const visit = await clerk.post('/api/v1/window/visits', { identity_code: await codeOf(citizen) });
  assert.equal(visit.status, 201, visit.text);

  // Started at the window, continued by the person on the web.
  const draft = await clerk.post('/api/v1/applications', { item: item.code, channel: 'window', on_behalf_of: me.person_id, visit: visit.data.id, draft: true, fields: fillFields(item) });
  assert.equal(draft.status, 201, draft.text);
  assert.equal(draft.data.state, 'draft');
  const seen = await citizen.get(`/api/v1/applications/${draft.data.id}`);
  assert.equal(seen.status, 200, seen.text);
  const sent = await citizen.post(`/api/v1/applications/${draft.data.id}/actions/submit`, { channel: 'web' });
  assert.equal(sent.status, 200, sent.text);
  let events = (await citizen.get(`/api/v1/applications/${draft.data.id}/events`)).data.items;
  assert.deepEqual(events.map((e) => [e.action, e.channel, e.assisted_by?.user_id ?? null]),
    [['create', 'window', clerk.user.id], ['submit', 'web', null]]);

  // Started on the web, found and continued by the clerk in the visit.
  const webDraft = await citizen.post('/api/v1/applications', { item: item.code, channel: 'web', draft: true, fields: fillFields(item) });
  assert.equal(webDraft.status, 201, webDraft.text);
  assert.equal((await clerk.get(`/api/v1/applications/${webDraft.data.id}`)).status, 200);
  const atWindow = await clerk.post(`/api/v1/applications/${webDraft.data.id}/actions/submit`, { channel: 'window' });
  assert.equal(atWindow.status, 200, atWindow.text);
  events = (await citizen.get(`/api/v1/applications/${webDraft.data.id}/events`)).data.items;
  assert.deepEqual(events.map((e) => [e.action, e.channel, e.assisted_by?.user_id ?? null]),
    [['create', 'web', null], ['submit', 'window', clerk.user.id]]);

  // Once the visit is closed the clerk no longer acts for the person.
  await clerk.post(`/api/v1/window/visits/${visit.data.id}/close`, {});
  const third = await citizen.post('/api/v1/applications', { item: item.code, draft: true, fields: fillFields(item) });
  assert.equal((await clerk.get(`/api/v1/applications/${third.data.id}`)).status, 404);
});
