// Issue 11 item 1, black box against the real binary (SQLite, or PostgreSQL with TONGBAN_TEST_DB):
// a bundle (一件事) from one merged form and one submission, through its ordered sub-cases (the
// permits wait for the business licence and start when it is approved) to the joint issuance of
// the catering industry comprehensive licence; a refused sub-case closes what waits for it and
// tells the applicant; a parallel bundle starts everything at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, fillFields, mergedFields } from './lib.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

const RESTAURANT = 'open-a-restaurant';
const LICENCE = 'market.business-licence';
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('picture')]);
const enterpriseOf = async (who) => (await who.get('/api/v1/me')).data.enterprises[0].code;

// A draft restaurant bundle with every upload attached, then submitted whole.
async function submitRestaurant(admin, code) {
  const bundle = (await admin.get(`/api/v1/bundles/${RESTAURANT}`)).data;
  const { fields, items } = await mergedFields(admin, bundle);
  // Without the uploads one submission is refused as a whole, each missing upload named with its item.
  const refused = await admin.post('/api/v1/applications', { bundle: RESTAURANT, enterprise: code, fields });
  assert.equal(refused.status, 400, refused.text);
  assert.ok(refused.data.error.fields.some((f) => f.field === `${LICENCE}/materials.premises_proof`), refused.text);
  const draft = await admin.post('/api/v1/applications', { bundle: RESTAURANT, enterprise: code, draft: true, fields });
  assert.equal(draft.status, 201, draft.text);
  assert.equal(draft.data.state, 'draft');
  assert.equal(draft.data.sub_cases.length, 5);
  for (const sub of draft.data.sub_cases) {
    const item = items.find((i) => i.code === sub.item);
    for (const m of item.materials.filter((x) => x.source === 'upload')) {
      const r = await admin.request('PUT', `/api/v1/applications/${sub.id}/materials/${m.code}`,
        { body: PNG, headers: { 'x-file-name': 'scan.png' } });
      assert.equal(r.status, 200, r.text);
    }
  }
  // A sub-case of a draft bundle is never submitted alone.
  const alone = await admin.post(`/api/v1/applications/${draft.data.sub_cases[1].id}/actions/submit`, {});
  assert.equal(alone.status, 409, alone.text);
  assert.equal(alone.data.error.code, 'conflict');
  const submitted = await admin.post(`/api/v1/applications/${draft.data.id}/actions/submit`, {});
  assert.equal(submitted.status, 200, submitted.text);
  return submitted.data;
}

async function decide(reviewerName, id, action, reason) {
  const reviewer = await Client.login(server.url, reviewerName);
  assert.equal((await reviewer.post(`/api/v1/applications/${id}/actions/accept`, {})).status, 200);
  const r = await reviewer.post(`/api/v1/applications/${id}/actions/${action}`, reason ? { reason } : {});
  assert.equal(r.status, 200, r.text);
}

test('a bundle from one submission through ordered sub-cases to the joint catering licence', async () => {
  const admin = await Client.login(server.url, 'wang.fang');
  const code = await enterpriseOf(admin);
  const bundle = (await admin.get(`/api/v1/bundles/${RESTAURANT}`)).data;
  assert.deepEqual(bundle.waits_for['market.food-business-permit'], [LICENCE]);

  // One notice and one form: the bundle's pre-fill, each field once, every item's materials.
  const prefill = await admin.get(`/api/v1/prefill?bundle=${RESTAURANT}&enterprise=${code}`);
  assert.equal(prefill.status, 200, prefill.text);
  assert.ok(prefill.data.materials.some((m) => m.item === 'market.food-business-permit' && m.source === 'licence'));

  const made = await submitRestaurant(admin, code);
  assert.equal(made.bundle, RESTAURANT);
  assert.equal(made.state, 'in_progress');
  assert.ok(made.deadline, 'a bundle in progress has a deadline');
  const byItem = Object.fromEntries(made.sub_cases.map((s) => [s.item, s]));
  assert.equal(byItem[LICENCE].state, 'submitted');
  assert.deepEqual(byItem[LICENCE].waits_for, []);
  for (const item of bundle.items.filter((i) => i !== LICENCE)) {
    assert.equal(byItem[item].state, 'waiting', item);
    assert.deepEqual(byItem[item].waits_for, [LICENCE]);
  }
  // The bundle answers its shape on the applications route; each sub-case is an application of its own.
  const read = await admin.get(`/api/v1/applications/${made.id}`);
  assert.equal(read.status, 200);
  assert.equal(read.data.sub_cases.length, 5);
  const sub = await admin.get(`/api/v1/applications/${byItem['fire.public-gathering-safety-inspection'].id}`);
  assert.equal(sub.data.department, 'fire');
  assert.equal(sub.data.state, 'waiting');
  // A waiting sub-case is not for its reviewer to act on yet.
  const fire = await Client.login(server.url, 'reviewer.fire');
  assert.notEqual((await fire.post(`/api/v1/applications/${sub.data.id}/actions/accept`, {})).status, 200);

  // The business licence approved: the four permits start in that same transaction.
  await decide('reviewer.market', byItem[LICENCE].id, 'approve');
  let now = (await admin.get(`/api/v1/applications/${made.id}`)).data;
  for (const s of now.sub_cases) {
    if (s.item !== LICENCE) assert.equal(s.state, 'submitted', s.item);
  }
  assert.deepEqual(now.results, [], 'results come together, when every part is done');

  const reviewers = { 'market.food-business-permit': 'reviewer.market', 'city-appearance.shop-sign-permit': 'reviewer.city-appearance',
    'fire.public-gathering-safety-inspection': 'reviewer.fire', 'health.public-place-health-permit': 'reviewer.health' };
  for (const [item, reviewer] of Object.entries(reviewers)) await decide(reviewer, byItem[item].id, 'approve');
  now = (await admin.get(`/api/v1/applications/${made.id}`)).data;
  assert.equal(now.state, 'approved');
  assert.equal(now.deadline, null);
  const types = now.results.map((r) => r.type).sort();
  assert.ok(types.includes('catering'), `the catering licence is among the results: ${types}`);
  for (const t of ['business_licence', 'food_business_permit', 'shop_sign_permit', 'fire_safety_approval', 'public_place_health_permit']) {
    assert.ok(types.includes(t), t);
  }
  const catering = now.results.find((r) => r.type === 'catering');
  const licence = await admin.get(`/api/v1/licences/${catering.id}`);
  assert.equal(licence.status, 200);
  assert.equal(licence.data.parts.length, 5);
});

test('a refused sub-case closes what waits for it and tells the applicant; the rest carry on', async () => {
  const admin = await Client.login(server.url, 'wang.fang');
  const code = await enterpriseOf(admin);
  const made = await submitRestaurant(admin, code);
  const licence = made.sub_cases.find((s) => s.item === LICENCE);
  await decide('reviewer.market', licence.id, 'refuse', '名称与已登记企业重复');
  const now = (await admin.get(`/api/v1/applications/${made.id}`)).data;
  for (const s of now.sub_cases) assert.equal(s.state, s.item === LICENCE ? 'refused' : 'closed', s.item);
  assert.equal(now.state, 'refused');
  const events = (await admin.get(`/api/v1/applications/${now.sub_cases[1].id}/events`)).data;
  const last = (events.items ?? events).at(-1);
  assert.equal(last.action, 'close');
  assert.match(last.reason, /not approved/);
  const inbox = (await admin.get(`/api/v1/me/messages?enterprise=${code}`)).data.items;
  const told = inbox.find((m) => m.kind === 'bundle_part_ended' && m.reference.id === made.id);
  assert.ok(told, 'the applicant is told what the refusal means for the rest');
  assert.equal(told.params.closed, '4');
});

test('a parallel bundle starts every sub-case at once, each in its own department', async () => {
  const citizen = await Client.login(server.url, 'zhang.wei');
  const bundle = (await citizen.get('/api/v1/bundles/retire')).data;
  const { fields } = await mergedFields(citizen, bundle);
  const made = await citizen.post('/api/v1/applications', { bundle: 'retire', fields });
  assert.equal(made.status, 201, made.text);
  assert.equal(made.headers.get('location'), `/api/v1/applications/${made.data.id}`);
  assert.deepEqual(made.data.sub_cases.map((s) => [s.item, s.department, s.state]),
    [['hrss.retirement-application', 'hrss', 'submitted'], ['housing.provident-fund-withdrawal', 'housing', 'submitted']]);
  // Someone else sees nothing of it.
  const other = await Client.login(server.url, 'li.na');
  assert.equal((await other.get(`/api/v1/applications/${made.data.id}`)).status, 404);
  // A field no item of the bundle asks is refused, and nothing is written.
  const wrong = await citizen.post('/api/v1/applications', { bundle: 'retire', fields: { ...fields, no_such_field: 'x' } });
  assert.equal(wrong.status, 400);
  assert.equal((await citizen.post('/api/v1/applications', { bundle: 'no-such-bundle', fields })).status, 404);
  assert.equal((await citizen.post('/api/v1/applications', { bundle: 'retire', item: LICENCE, fields })).status, 400);
});
