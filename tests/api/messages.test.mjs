// The holder's inbox (issue 12 item 3; issue 10 item 4 "the holder is told"): a licence suspended
// by its issuer puts a message in the holder's GET /api/v1/me/messages, written in Chinese and in
// English from its kind and parameters, that only the holder sees and marks read
// (POST /api/v1/me/messages/{id}/read); the application's own changes are there too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, fillFields, allItems } from './lib.mjs';

async function withServer(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-messages-'));
  const server = await startServer({ dir });
  try {
    return await fn(server);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('finding: a suspended licence tells its holder in /api/v1/me/messages, in zh and en, and it is marked read', () =>
  withServer(async (server) => {
    const citizen = await Client.login(server.url, 'zhang.wei');
    const other = await Client.login(server.url, 'li.na');
    const item = (await allItems(citizen)).find((i) => i.code === 'hrss.social-security-card');
    const reviewer = await Client.login(server.url, `reviewer.${item.department}`);

    const before = await citizen.get('/api/v1/me/messages');
    assert.equal(before.status, 200, before.text);
    const seen = new Set(before.data.items.map((m) => m.id));

    const app = await citizen.post('/api/v1/applications', { item: item.code, channel: 'web', fields: fillFields(item) });
    assert.equal(app.status, 201, app.text);
    for (const action of ['accept', 'approve', 'deliver']) {
      const r = await reviewer.post(`/api/v1/applications/${app.data.id}/actions/${action}`, {});
      assert.equal(r.status, 200, `${action}: ${r.text}`);
    }
    const licence = (await citizen.get('/api/v1/me/licences')).data.items.find((l) => l.application === app.data.id);
    assert.ok(licence, 'the approval issued a licence');
    const suspended = await reviewer.post(`/api/v1/licences/${licence.id}/actions/suspend`, { reason: '信息核查中' });
    assert.equal(suspended.status, 200, suspended.text);

    const inbox = async (lang) => {
      const c = new Client(server.url, { token: citizen.token, lang });
      const r = await c.get('/api/v1/me/messages?page_size=50');
      assert.equal(r.status, 200, r.text);
      return r.data;
    };
    const zh = await inbox('zh-CN');
    const en = await inbox('en');
    const fresh = zh.items.filter((m) => !seen.has(m.id));
    const kinds = fresh.map((m) => m.kind).sort();
    assert.deepEqual(kinds, ['application_accepted', 'application_approved', 'application_delivered',
      'licence_delivered', 'licence_issued', 'licence_suspended']);
    assert.ok(zh.unread >= fresh.length);

    const zhMessage = zh.items.find((m) => m.kind === 'licence_suspended');
    const enMessage = en.items.find((m) => m.id === zhMessage.id);
    assert.deepEqual(zhMessage.reference, { kind: 'licence', id: licence.id });
    assert.equal(zhMessage.href, `/licences/${licence.id}`);
    assert.equal(zhMessage.params.reason, '信息核查中');
    assert.equal(zhMessage.read_at, null);
    assert.match(zhMessage.text, /社会保障卡/);
    assert.match(zhMessage.text, /暂停/);
    assert.match(zhMessage.text, /信息核查中/);
    assert.match(enMessage.text, /social security card/i);
    assert.match(enMessage.text, /suspended/);
    assert.match(enMessage.text, /信息核查中/);
    const accepted = en.items.find((m) => m.kind === 'application_accepted' && m.reference.id === app.data.id);
    assert.ok(accepted.text.includes(app.data.reference), accepted.text);

    // Only the holder sees or marks it; a bad page size changes nothing.
    assert.ok(!(await other.get('/api/v1/me/messages')).data.items.some((m) => m.id === zhMessage.id));
    assert.equal((await other.post(`/api/v1/me/messages/${zhMessage.id}/read`, {})).status, 404);
    assert.equal((await reviewer.post(`/api/v1/me/messages/${zhMessage.id}/read`, {})).status, 404);
    assert.equal((await citizen.get('/api/v1/me/messages?page_size=0')).status, 400);
    assert.equal((await new Client(server.url).get('/api/v1/me/messages')).status, 401);

    const read = await citizen.post(`/api/v1/me/messages/${zhMessage.id}/read`, {});
    assert.equal(read.status, 200, read.text);
    assert.ok(read.data.read_at);
    const after = await inbox('zh-CN');
    assert.equal(after.unread, zh.unread - 1);
    assert.equal(after.items.find((m) => m.id === zhMessage.id).read_at, read.data.read_at);
    const again = await citizen.post(`/api/v1/me/messages/${zhMessage.id}/read`, {});
    assert.equal(again.data.read_at, read.data.read_at, 'the first reading is kept');
    assert.equal((await citizen.post('/api/v1/me/messages/NOPE/read', {})).status, 404);

    // Pagination: newest first, one at a time, through next_page_token.
    const first = (await citizen.get('/api/v1/me/messages?page_size=1')).data;
    assert.equal(first.items.length, 1);
    assert.ok(first.next_page_token);
    const second = (await citizen.get(`/api/v1/me/messages?page_size=1&page_token=${first.next_page_token}`)).data;
    assert.equal(second.items.length, 1);
    assert.ok(second.items[0].id < first.items[0].id);
  }));
