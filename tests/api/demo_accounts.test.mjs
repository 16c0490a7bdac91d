// The demo city is staffed: every department with items has a reviewer, and clerks work at a
// district and at a community service centre (issue 8, finding 2).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, fillFields, allItems } from './lib.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

test('finding 2: every department with items has a demo reviewer, who sees and decides its applications', async () => {
  const anon = new Client(server.url);
  const items = await allItems(anon);
  const departments = [...new Set(items.map((i) => i.department))];
  assert.ok(departments.length >= 12, `only ${departments.length} departments have items`);
  for (const department of departments) {
    const reviewer = await Client.login(server.url, `reviewer.${department}`);
    assert.deepEqual(reviewer.user.roles, ['reviewer'], department);
    const queue = await reviewer.get('/api/v1/applications');
    assert.equal(queue.status, 200, `${department}: ${queue.text}`);
  }

  // The most obvious citizen demo: the elderly allowance reaches civil affairs, which accepts it.
  // Only someone 65 or over qualifies (issue 9 item 7): 张伟's father, 70.
  const citizen = await Client.login(server.url, 'zhang.jianguo');
  const allowance = items.find((i) => i.code === 'civil.elderly-allowance');
  const submitted = await citizen.post('/api/v1/applications', { item: allowance.code, channel: 'web', fields: fillFields(allowance) });
  assert.equal(submitted.status, 201, submitted.text);
  const civil = await Client.login(server.url, 'reviewer.civil');
  const queue = await civil.get('/api/v1/applications?state=submitted');
  assert.ok(queue.data.items.some((a) => a.id === submitted.data.id), 'the allowance is in civil affairs\' queue');
  const accepted = await civil.post(`/api/v1/applications/${submitted.data.id}/actions/accept`, {});
  assert.equal(accepted.status, 200, accepted.text);
  // The housing reviewer has no standing on it.
  const housing = await Client.login(server.url, 'reviewer.housing');
  assert.equal((await housing.get(`/api/v1/applications/${submitted.data.id}`)).status, 404);
});

test('finding 2: a clerk at a district centre and one at a community centre take personal items at the window', async () => {
  const citizen = await Client.login(server.url, 'zhang.jianguo');
  const me = (await citizen.get('/api/v1/me')).data;
  const items = await allItems(citizen);
  const allowance = items.find((i) => i.code === 'civil.elderly-allowance');
  for (const [username, centre] of [['clerk.pudong', 'pudong-district-centre'], ['clerk.lujiazui', 'pudong-lujiazui-community']]) {
    const clerk = await Client.login(server.url, username);
    assert.equal(clerk.user.centre, centre, username);
    const code = (await citizen.get('/api/v1/me/identity-code')).data.token;
    const r = await clerk.post('/api/v1/applications', {
      item: allowance.code, channel: 'window', on_behalf_of: me.person_id, identity_code: code, fields: fillFields(allowance),
    });
    assert.equal(r.status, 201, `${username}: ${r.text}`);
    assert.equal(r.data.centre, centre);
  }
});
