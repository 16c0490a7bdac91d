// Family proxies (issue 12 item 4): a person makes a family member their proxy for chosen items
// until a date (POST /api/v1/me/proxies); the proxy applies for them (POST /api/v1/applications with
// on_behalf_of) and acts on the application, each event recorded as done by the proxy; outside
// their items, once the grant has ended and once it is withdrawn they are refused (403) and
// nothing is written. Runs on SQLite and, with TONGBAN_TEST_DB=postgres, PostgreSQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, fillFields, allItems, runSql, mergedFields } from './lib.mjs';

async function withServer(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-proxies-'));
  const server = await startServer({ dir });
  try {
    return await fn(server);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// Moves a grant's end into the past, as the passing of time would (the server has no fake clock).
function endGrantInThePast(server, id) {
  const sql = `UPDATE proxy_grants SET valid_until = valid_until - 400 * 86400 WHERE id = '${id}'`;
  runSql(server, sql);
}

function inAYear() {
  const d = new Date(Date.now() + 300 * 86400000);
  return d.toISOString().slice(0, 10);
}

async function setUp(server) {
  const person = await Client.login(server.url, 'zhang.wei');
  const proxy = await Client.login(server.url, 'li.na');
  const items = await allItems(person);
  const granted = items.find((i) => i.code === 'hrss.social-security-card');
  const other = items.find((i) => i.applicant === 'person' && i.code !== granted.code);
  return { person, proxy, granted, other, personId: person.user.person_id ?? (await person.get('/api/v1/me')).data.person_id };
}

const del = (client, path) => client.request('DELETE', path);

test('proxy rights granted, used, expired and withdrawn, and a proxy refused outside their items', () =>
  withServer(async (server) => {
    const { person, proxy, granted, other, personId } = await setUp(server);
    assert.ok(personId);

    // Granted: bad input is refused in the request's language and writes nothing.
    const en = new Client(server.url, { token: person.token, lang: 'en' });
    const bad = await en.post('/api/v1/me/proxies', { username: 'li.na', items: [granted.code], until: '1999-01-01' });
    assert.equal(bad.status, 400, bad.text);
    assert.match(bad.data.error.message, /last day/);
    const notCitizen = await person.post('/api/v1/me/proxies', { username: 'reviewer.market', items: [granted.code], until: inAYear() });
    assert.equal(notCitizen.status, 400, notCitizen.text);
    const enterpriseItem = (await allItems(person)).find((i) => i.applicant === 'enterprise');
    const notPersonal = await person.post('/api/v1/me/proxies', { username: 'li.na', items: [enterpriseItem.code], until: inAYear() });
    assert.equal(notPersonal.status, 400, notPersonal.text);
    assert.equal((await person.get('/api/v1/me/proxies')).data.items.length, 0);

    const grant = await person.post('/api/v1/me/proxies', { username: 'li.na', items: [granted.code], until: inAYear() });
    assert.equal(grant.status, 201, grant.text);
    assert.equal(grant.data.status, 'live');
    assert.deepEqual(grant.data.items, [granted.code]);
    assert.equal(grant.data.proxy.username, 'li.na');
    const proxied = await proxy.get('/api/v1/me/proxied');
    assert.equal(proxied.status, 200, proxied.text);
    assert.deepEqual(proxied.data.items.map((p) => p.person_id), [personId]);
    const told = await proxy.get('/api/v1/me/messages');
    assert.ok(told.data.items.some((m) => m.kind === 'proxy_granted'), 'the proxy is told');

    // Used: the proxy applies for the person; the application is the person's.
    const app = await proxy.post('/api/v1/applications', { item: granted.code, channel: 'web', on_behalf_of: personId, fields: fillFields(granted) });
    assert.equal(app.status, 201, app.text);
    const mine = await person.get(`/api/v1/applications/${app.data.id}`);
    assert.equal(mine.status, 200, mine.text);
    const events = await person.get(`/api/v1/applications/${app.data.id}/events`);
    assert.equal(events.status, 200, events.text);
    const list = Array.isArray(events.data) ? events.data : events.data.items;
    assert.ok(list.length >= 1);
    for (const e of list) {
      assert.equal(e.actor_role, 'proxy');
      assert.equal(e.actor, proxy.user.id);
    }
    assert.equal((await proxy.get(`/api/v1/applications/${app.data.id}`)).status, 200);
    const theirs = await proxy.get(`/api/v1/me/proxied/${encodeURIComponent(personId)}/applications`);
    assert.equal(theirs.status, 200, theirs.text);
    assert.deepEqual(theirs.data.items.map((a) => a.id), [app.data.id]);

    // Refused outside their items: 403, nothing written.
    const before = (await person.get('/api/v1/applications?page_size=100')).data.items.length;
    const outside = await proxy.post('/api/v1/applications', { item: other.code, channel: 'web', on_behalf_of: personId, fields: fillFields(other) });
    assert.equal(outside.status, 403, outside.text);
    assert.equal(outside.data.error.code, 'permission_denied');
    assert.equal((await person.get('/api/v1/applications?page_size=100')).data.items.length, before);

    // Expired: refused, nothing written.
    endGrantInThePast(server, grant.data.id);
    const expired = await proxy.post('/api/v1/applications', { item: granted.code, channel: 'web', on_behalf_of: personId, fields: fillFields(granted) });
    assert.equal(expired.status, 403, expired.text);
    assert.equal((await proxy.get(`/api/v1/applications/${app.data.id}`)).status, 403);
    assert.equal((await person.get('/api/v1/me/proxies')).data.items[0].status, 'expired');
    assert.equal((await proxy.get('/api/v1/me/proxied')).data.items.length, 0);

    // Withdrawn: a new grant, used, then withdrawn: refused at once.
    const again = await person.post('/api/v1/me/proxies', { username: 'li.na', items: [granted.code], until: inAYear() });
    assert.equal(again.status, 201, again.text);
    const withdraw = await proxy.post(`/api/v1/applications/${app.data.id}/actions/withdraw`, {});
    assert.equal(withdraw.status, 200, withdraw.text);
    assert.equal(withdraw.data.state, 'withdrawn');
    const version = (await person.get(`/api/v1/applications/${app.data.id}`)).data.version;
    assert.equal((await del(proxy, `/api/v1/me/proxies/${again.data.id}`)).status, 404, 'only the person withdraws it');
    const gone = await del(person, `/api/v1/me/proxies/${again.data.id}`);
    assert.equal(gone.status, 200, gone.text);
    assert.equal(gone.data.status, 'withdrawn');
    const refused = await proxy.post('/api/v1/applications', { item: granted.code, channel: 'web', on_behalf_of: personId, fields: fillFields(granted) });
    assert.equal(refused.status, 403, refused.text);
    const read = await proxy.get(`/api/v1/applications/${app.data.id}`);
    assert.equal(read.status, 403, read.text);
    assert.equal((await person.get(`/api/v1/applications/${app.data.id}`)).data.version, version, 'nothing written');
    const inbox = await proxy.get('/api/v1/me/messages');
    assert.ok(inbox.data.items.some((m) => m.kind === 'proxy_withdrawn'), 'the proxy is told');
    // The person sees every grant they gave.
    assert.deepEqual((await person.get('/api/v1/me/proxies')).data.items.map((g) => g.status), ['withdrawn', 'expired']);
  }));

test('a proxy files a bundle for the person only when the grant covers every item of it', () =>
  withServer(async (server) => {
    const { person, proxy, personId } = await setUp(server);
    const bundle = (await person.get('/api/v1/bundles/retire')).data;
    const { fields } = await mergedFields(person, bundle);
    const count = async () => (await person.get('/api/v1/applications?page_size=100')).data.items.length;

    // A grant for one of the bundle's two items: the bundle is refused whole, nothing written.
    const partial = await person.post('/api/v1/me/proxies', { username: 'li.na', items: [bundle.items[0]], until: inAYear() });
    assert.equal(partial.status, 201, partial.text);
    const before = await count();
    const refused = await proxy.post('/api/v1/applications', { bundle: 'retire', on_behalf_of: personId, fields });
    assert.equal(refused.status, 403, refused.text);
    assert.equal(refused.data.error.code, 'permission_denied');
    assert.equal(await count(), before, 'nothing written');

    // A grant for both: one bundle case and a sub-case per item, all the person's, each event the proxy's.
    const full = await person.post('/api/v1/me/proxies', { username: 'li.na', items: bundle.items, until: inAYear() });
    assert.equal(full.status, 201, full.text);
    const made = await proxy.post('/api/v1/applications', { bundle: 'retire', on_behalf_of: personId, fields });
    assert.equal(made.status, 201, made.text);
    assert.deepEqual(made.data.sub_cases.map((s) => [s.item, s.state]), bundle.items.map((code) => [code, 'submitted']));
    for (const sub of made.data.sub_cases) {
      const app = await person.get(`/api/v1/applications/${sub.id}`);
      assert.equal(app.status, 200, app.text);
      const events = (await person.get(`/api/v1/applications/${sub.id}/events`)).data;
      for (const e of events.items ?? events) {
        assert.equal(e.actor_role, 'proxy', `${sub.item}: ${e.action}`);
        assert.equal(e.actor, proxy.user.id);
      }
    }
  }));
