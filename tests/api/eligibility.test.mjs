// Eligibility from data (issue 9 item 7), black box, on the database TONGBAN_TEST_DB names: items
// declare who may apply as rules over dataset fields; the item JSON carries them; a 38-year-old
// is refused the elderly allowance with the rule's reason (nothing is created), the 70-year-old
// demo father qualifies and submits; the check's reads are in the person's access log; the item
// page says whether the signed-in person qualifies and why.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, fillFields, DEMO_PASSWORD } from './lib.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

const ITEM = 'civil.elderly-allowance';

test('the item JSON carries its eligibility rules', async () => {
  const item = (await new Client(server.url).get(`/api/v1/items/${ITEM}`)).data;
  assert.deepEqual(item.eligibility.map((r) => [r.dataset, r.field, r.rule, r.values]), [
    ['household_registration', 'district', 'present', []],
    ['population', 'birth_date', 'age_at_least', ['65']],
  ]);
  assert.equal(item.eligibility[1].reason.en, 'Aged 65 or over');
});

test('a 38-year-old is refused the elderly allowance with the reason, and nothing is created', async () => {
  const zhang = await Client.login(server.url, 'zhang.wei', undefined, { lang: 'en' });
  const item = (await zhang.get(`/api/v1/items/${ITEM}`)).data;
  const mine = async () => (await zhang.get('/api/v1/applications?page_size=100')).data.items.length;
  const before = await mine();
  const r = await zhang.post('/api/v1/applications', { item: ITEM, channel: 'web', fields: fillFields(item) });
  assert.equal(r.status, 403, r.text);
  assert.equal(r.data.error.code, 'permission_denied');
  assert.match(r.data.error.message, /do not qualify/);
  assert.deepEqual(r.data.error.fields.map((f) => [f.field, f.code]), [['population.birth_date', 'error.eligibility.age_at_least']]);
  assert.match(r.data.error.fields[0].message, /65 or older/);
  assert.equal(await mine(), before, 'no application was created');
  // A draft may be saved, but it cannot be submitted either.
  const draft = await zhang.post('/api/v1/applications', { item: ITEM, channel: 'web', draft: true, fields: fillFields(item) });
  assert.equal(draft.status, 201, draft.text);
  const submit = await zhang.post(`/api/v1/applications/${draft.data.id}/actions/submit`, {});
  assert.equal(submit.status, 403, submit.text);
  assert.equal(submit.data.error.fields[0].code, 'error.eligibility.age_at_least');
  assert.equal((await zhang.get(`/api/v1/applications/${draft.data.id}`)).data.state, 'draft');
  // In Chinese too.
  const zh = await Client.login(server.url, 'zhang.wei', undefined, { lang: 'zh' });
  const refused = await zh.post('/api/v1/applications', { item: ITEM, channel: 'web', fields: fillFields(item) });
  assert.match(refused.data.error.fields[0].message, /年满65周岁/);
});

test('the 70-year-old demo father qualifies and submits; the check is in his access log', async () => {
  const father = await Client.login(server.url, 'zhang.jianguo');
  const item = (await father.get(`/api/v1/items/${ITEM}`)).data;
  const r = await father.post('/api/v1/applications', { item: ITEM, channel: 'web', fields: fillFields(item) });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.state, 'submitted');
  const log = (await father.get('/api/v1/me/access-log?page_size=200')).data.items;
  // The eligibility check's reads: the rules' fields of each dataset (submission also fetches the
  // item's shared-data materials, which are other entries).
  const ruleFields = {};
  for (const rule of item.eligibility) (ruleFields[rule.dataset] ??= new Set()).add(rule.field);
  const same = (a, b) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
  const reads = log.filter((e) => e.purpose === ITEM && ruleFields[e.dataset] && same(e.fields, ruleFields[e.dataset]));
  assert.deepEqual(reads.map((e) => e.dataset).sort(), ['household_registration', 'population']);
  assert.ok(reads.every((e) => e.legal_basis === (item.data_bases?.[e.dataset] ?? item.legal_basis)), JSON.stringify(reads));
  // The reviewer sees the check with the case.
  const reviewer = await Client.login(server.url, 'reviewer.civil', undefined, { lang: 'en' });
  const page = await fetch(`${server.url}/applications/${r.data.id}`, {
    headers: { authorization: `Bearer ${reviewer.token}`, 'accept-language': 'en' },
  });
  const html = await page.text();
  assert.equal(page.status, 200);
  assert.match(html, /The applicant qualifies by the city(&apos;|&#39;|')s records/);
});

test('the item page tells a signed-in person whether they qualify and why', async () => {
  const page = async (username, lang) => {
    const headers = { 'accept-language': lang };
    if (username) headers.authorization = `Bearer ${(await Client.login(server.url, username, DEMO_PASSWORD)).token}`;
    return (await fetch(`${server.url}/items/${ITEM}`, { headers })).text();
  };
  const young = await page('zhang.wei', 'en');
  assert.match(young, /you do not qualify/);
  assert.match(young, /Not met:<\/strong> Aged 65 or over/);
  assert.match(young, /Met:<\/strong> Registered as a resident of the city/);
  const old = await page('zhang.jianguo', 'zh');
  assert.match(old, /您符合申请条件/);
  const anonymous = await page(null, 'en');
  assert.match(anonymous, /Sign in to see whether you qualify/);
  assert.match(anonymous, /Aged 65 or over/);
});
