// Issue 12 items 1 and 2: GET /api/v1/me/home on the demo city's generated data. 张伟 holds a
// driving licence that expires within 90 days (expiring, with its renewal item, and the renewal
// suggestion) and his wife 李娜 gave birth ten days ago (the newborn suggestion, read from the
// household's birth records through the access log); a suggestion turned off stays off until
// turned on again; the enterprise's homepage is its agents' only, its administrator's with the
// rights page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from './lib.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

const DAY = 24 * 3600 * 1000;

test('home: 张伟\'s applications, licences, expiring driving licence with its renewal item, unread count', async () => {
  const zhang = await Client.login(server.url, 'zhang.wei');
  const home = await zhang.get('/api/v1/me/home');
  assert.equal(home.status, 200, home.text);
  for (const key of ['applications', 'licences', 'expiring', 'suggestions', 'unread']) assert.ok(key in home.data, key);
  assert.ok(Array.isArray(home.data.applications));
  assert.ok(home.data.licences.some((l) => l.type === 'driving_licence' && l.status === 'valid'));
  const expiring = home.data.expiring.find((l) => l.type === 'driving_licence');
  assert.ok(expiring, JSON.stringify(home.data.expiring));
  assert.equal(expiring.renewed_by, 'police.driving-licence-renewal');
  assert.ok(expiring.days_left > 0 && expiring.days_left <= 90);
  assert.ok(Date.parse(expiring.valid_until) - Date.now() < 90 * DAY);
  assert.equal(typeof home.data.unread, 'number');
  assert.ok(home.data.unread >= 1, 'the licence message at least');
  // An application shows with its state and deadline once made.
  const created = await zhang.post('/api/v1/applications', { item: 'police.driving-licence-renewal', draft: true, fields: {} });
  assert.ok([200, 201].includes(created.status), created.text);
  const again = (await zhang.get('/api/v1/me/home')).data;
  const app = again.applications.find((a) => a.id === created.data.id);
  assert.ok(app, 'the new draft is listed');
  assert.equal(app.state, 'draft');
  assert.ok('deadline' in app);
});

test('home: the three suggestion kinds on demo data, with their reasons in the request\'s language', async () => {
  const zhang = await Client.login(server.url, 'zhang.wei', undefined, { lang: 'en' });
  const home = (await zhang.get('/api/v1/me/home')).data;
  const byRule = Object.fromEntries(home.suggestions.map((s) => [s.rule, s]));
  assert.ok(byRule.newborn, JSON.stringify(home.suggestions));
  assert.equal(byRule.newborn.bundle, 'baby-is-born');
  assert.match(byRule.newborn.reason, /^A baby born on \d{4}-\d{2}-\d{2} joined your household/);
  const renewal = byRule['driving-licence-renewal'];
  assert.ok(renewal);
  assert.equal(renewal.item, 'police.driving-licence-renewal');
  const expires = home.expiring.find((l) => l.type === 'driving_licence');
  assert.equal(renewal.values.date, expires.valid_until.slice(0, 10));
  assert.equal(renewal.reason, `Your driving licence expires on ${renewal.values.date}: renew it`);
  const zh = (await new Client(server.url, { token: zhang.token, lang: 'zh-CN' }).get('/api/v1/me/home')).data;
  assert.match(zh.suggestions.find((s) => s.rule === 'newborn').reason, /出生/);
  // 李娜 (no licence) gets the newborn one but not the renewal.
  const li = await Client.login(server.url, 'li.na');
  const hers = (await li.get('/api/v1/me/home')).data.suggestions.map((s) => s.rule);
  assert.ok(hers.includes('newborn'));
  assert.ok(!hers.includes('driving-licence-renewal'));
  // 陈国强 (born 1967-03-15) reaches 60 on 2027-03-15: the retirement bundle within 6 months of it.
  const chen = await Client.login(server.url, 'chen.guoqiang', undefined, { lang: 'en' });
  const retirement = (await chen.get('/api/v1/me/home')).data.suggestions.find((s) => s.rule === 'retirement');
  const sixMonths = new Date(); sixMonths.setMonth(sixMonths.getMonth() + 6);
  const due = new Date('2027-03-15T00:00:00+08:00');
  if (due > Date.now() && due <= sixMonths) {
    assert.ok(retirement, 'the retirement suggestion');
    assert.equal(retirement.bundle, 'retire');
    assert.deepEqual(retirement.values, { date: '2027-03-15', age: '60' });
    assert.equal(retirement.reason, 'You reach 60 on 2027-03-15: retirement');
  } else {
    assert.equal(retirement, undefined, 'outside the rule\'s window');
  }
  // The reads for the suggestions are in 张伟's access log, with their purpose.
  let entries = [];
  for (let i = 0; i < 30 && !entries.some((e) => e.purpose === 'home_suggestions'); i++) {
    await new Promise((r) => setTimeout(r, 300));
    entries = (await zhang.get('/api/v1/me/access-log?page_size=100')).data.items;
  }
  assert.ok(entries.some((e) => e.purpose === 'home_suggestions'), JSON.stringify(entries.slice(0, 3)));
});

test('home: a suggestion turned off stays off; turned on, it shows again; an unknown rule changes nothing', async () => {
  const li = await Client.login(server.url, 'li.na');
  const rules = async () => (await li.get('/api/v1/me/home')).data.suggestions.map((s) => s.rule);
  assert.ok((await rules()).includes('newborn'));
  const off = await li.post('/api/v1/me/suggestions/newborn/dismissal');
  assert.equal(off.status, 200, off.text);
  assert.deepEqual(off.data, { rule: 'newborn', dismissed: true, changed: true });
  assert.ok(!(await rules()).includes('newborn'));
  const twice = await li.post('/api/v1/me/suggestions/newborn/dismissal');
  assert.equal(twice.data.changed, false);
  const unknown = await li.post('/api/v1/me/suggestions/no-such-rule/dismissal');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.data.error.code, 'not_found');
  const on = await li.request('DELETE', '/api/v1/me/suggestions/newborn/dismissal');
  assert.equal(on.status, 200, on.text);
  assert.ok((await rules()).includes('newborn'));
  const anon = await new Client(server.url).get('/api/v1/me/home');
  assert.equal(anon.status, 401);
});

test('home: the enterprise\'s homepage for its administrator (industry licence parts, rights link) and not for others', async () => {
  const wang = await Client.login(server.url, 'wang.fang');
  const code = (await wang.get('/api/v1/me')).data.enterprises[0].code;
  const home = await wang.get(`/api/v1/me/home?enterprise=${code}`);
  assert.equal(home.status, 200, home.text);
  assert.equal(home.data.enterprise, code);
  assert.equal(home.data.administrator, true);
  assert.ok(home.data.licences.some((l) => l.type === 'business_licence'));
  assert.deepEqual(home.data.suggestions, []);
  const zhang = await Client.login(server.url, 'zhang.wei');
  const refused = await zhang.get(`/api/v1/me/home?enterprise=${code}`);
  assert.equal(refused.status, 403);
  const reviewer = await Client.login(server.url, 'reviewer.police');
  assert.equal((await reviewer.get('/api/v1/me/home')).status, 403);
});

test('home: withdrawing one item\'s right from an agent refuses that agent\'s next application for that item', async () => {
  const admin = await Client.login(server.url, 'wang.fang');
  const code = (await admin.get('/api/v1/me')).data.enterprises[0].code;
  const agent = await Client.login(server.url, 'zhao.lei');
  const [first, second] = ['tax.tax-clearance-certificate', 'tax.invoice-application'];
  const apply = (item) => agent.post('/api/v1/applications', { item, enterprise: code, draft: true, fields: {} });
  const grant = async (list) => admin.request('PUT', `/api/v1/enterprises/${code}/agents/zhao.lei`,
    { json: { may_apply: true, may_withdraw: false, items: list } });
  assert.equal((await grant([first, second])).status, 200);
  assert.equal((await apply(first)).status, 201);
  assert.equal((await apply(second)).status, 201);
  // The administrator unticks the first item only.
  assert.equal((await grant([second])).status, 200);
  const refused = await apply(first);
  assert.equal(refused.status, 403, refused.text);
  assert.equal((await apply(second)).status, 201, 'the other item still goes');
  // The enterprise's homepage links the rights page for the administrator only.
  const agentHome = (await agent.get(`/api/v1/me/home?enterprise=${code}`)).data;
  assert.equal(agentHome.administrator, false);
  assert.ok(agentHome.applications.every((a) => a.item === second), 'the agent sees only the items granted');
});
