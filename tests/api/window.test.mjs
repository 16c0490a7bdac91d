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

// Issue 11's last gap 1: an enterprise at the window. The administrator of the demo restaurant
// (wang.fang) shows its code; the clerk of the Pudong district centre serves the enterprise; the
// community centre's clerk is told plainly that enterprise items are done at district centres.
const TAX = 'tax.tax-clearance-certificate';  // an enterprise item, instant, taken at windows

test('window: a district centre clerk serves an enterprise whose agent shows its code; its agents see who did it where', async () => {
  const agent = await Client.login(server.url, 'wang.fang', undefined, { lang: 'en' });
  const clerk = await Client.login(server.url, 'clerk.pudong', undefined, { lang: 'en' });
  const community = await Client.login(server.url, 'clerk.lujiazui', undefined, { lang: 'en' });
  const enterprise = (await agent.get('/api/v1/me')).data.enterprises[0].code;
  const item = (await agent.get(`/api/v1/items/${TAX}`)).data;
  const codeOfEnterprise = async () => {
    const r = await agent.get(`/api/v1/me/identity-code?enterprise=${enterprise}`);
    assert.equal(r.status, 200, r.text);
    return r.data.token;
  };

  // A community centre takes personal items only: the code is refused with the reason, no visit.
  const refused = await community.post('/api/v1/window/visits', { identity_code: await codeOfEnterprise() });
  assert.equal(refused.status, 403, refused.text);
  assert.match(refused.data.error.message, /community centre.*district centre/);
  assert.equal((await community.get('/api/v1/window/visits')).data.items.length, 0);

  // Without the code or a visit the clerk cannot file for the enterprise.
  const bare = await clerk.post('/api/v1/applications', { item: TAX, channel: 'window', enterprise, fields: fillFields(item) });
  assert.equal(bare.status, 403, bare.text);
  assert.match(bare.data.error.message, /identity code/i);

  // The district centre's clerk scans it: the enterprise's visit, naming the agent who showed it.
  const visit = await clerk.post('/api/v1/window/visits', { identity_code: await codeOfEnterprise() });
  assert.equal(visit.status, 201, visit.text);
  assert.equal(visit.data.kind, 'enterprise');
  assert.equal(visit.data.enterprise.code, enterprise);
  assert.ok(visit.data.enterprise.name.length > 0);
  assert.equal(visit.data.agent.user_id, agent.user.id);
  assert.match(visit.data.agent.masked_id, /\*{8}/);
  assert.equal(visit.data.person, null);

  // The pre-fill of an enterprise item in the visit; a person's item is not the enterprise's.
  const prefill = await clerk.get(`/api/v1/prefill?visit=${visit.data.id}&item=${TAX}`);
  assert.equal(prefill.status, 200, prefill.text);
  assert.equal(prefill.data.visit, visit.data.id);
  const personal = await simplePersonItem(agent);
  const notHers = await clerk.get(`/api/v1/prefill?visit=${visit.data.id}&item=${personal.code}`);
  assert.equal(notHers.status, 403, notHers.text);

  // The visit proves the enterprise's presence only: not the agent's own, nor another enterprise's.
  const me = (await agent.get('/api/v1/me')).data;
  const asPerson = await clerk.post('/api/v1/applications', { item: personal.code, channel: 'window', on_behalf_of: me.person_id, visit: visit.data.id, fields: fillFields(personal) });
  assert.equal(asPerson.status, 403, asPerson.text);
  assert.match(asPerson.data.error.message, /someone else/);
  const citizen = await Client.login(server.url, 'zhang.wei');
  const personVisit = await clerk.post('/api/v1/window/visits', { identity_code: await codeOf(citizen) });
  assert.equal(personVisit.status, 201, personVisit.text);
  const wrongVisit = await clerk.post('/api/v1/applications', { item: TAX, channel: 'window', enterprise, visit: personVisit.data.id, fields: fillFields(item) });
  assert.equal(wrongVisit.status, 403, wrongVisit.text);
  assert.match(wrongVisit.data.error.message, /not this enterprise/);

  // Accepted on the enterprise's behalf, assisted_by the clerk.
  const made = await clerk.post('/api/v1/applications', { item: TAX, channel: 'window', enterprise, visit: visit.data.id, fields: fillFields(item) });
  assert.equal(made.status, 201, made.text);
  assert.equal(made.data.state, 'submitted');
  assert.equal(made.data.assisted_by.user_id, clerk.user.id);
  assert.equal(made.data.assisted_by.centre, 'pudong-district-centre');

  // The enterprise's agents see it, and who did it for them where (events and the case's page).
  const events = await agent.get(`/api/v1/applications/${made.data.id}/events`);
  assert.equal(events.status, 200, events.text);
  assert.equal(events.data.items[0].channel, 'window');
  assert.equal(events.data.items[0].assisted_by.user_id, clerk.user.id);
  assert.equal(events.data.items[0].assisted_by.centre, 'pudong-district-centre');
  const page = await fetch(`${server.url}/applications/${made.data.id}`, { headers: { authorization: `Bearer ${agent.token}`, 'accept-language': 'en' } });
  const html = await page.text();
  assert.equal(page.status, 200, html.slice(0, 300));
  assert.match(html, /Done for you at Pudong New Area/);
  assert.ok(html.includes(clerk.user.name), 'the clerk is named');

  // An instant item: completed on the spot in the same visit, by the clerk.
  const done = await clerk.post(`/api/v1/window/applications/${made.data.id}/complete`, {});
  assert.equal(done.status, 200, done.text);
  assert.equal(done.data.state, 'completed');

  // The clerk's standing ends with the visit: a draft the enterprise starts later is not theirs.
  await clerk.post(`/api/v1/window/visits/${visit.data.id}/close`, {});
  const later = await agent.post('/api/v1/applications', { item: TAX, enterprise, draft: true, fields: fillFields(item) });
  assert.equal(later.status, 201, later.text);
  assert.equal((await clerk.get(`/api/v1/applications/${later.data.id}`)).status, 404);
  const closedVisit = await clerk.post('/api/v1/applications', { item: TAX, channel: 'window', enterprise, visit: visit.data.id, fields: fillFields(item) });
  assert.equal(closedVisit.status, 403, closedVisit.text);
});
