// Purpose-bound reads over the API (issue 9 items 3, 4; issue 10 item 7): GET /api/v1/prefill for a
// demo person with provenance, a refused undeclared read in the person's access log, consent given
// and revoked (then the sensitive field is no longer read), a submission whose shared-data
// materials show `fetched` with provenance, and a licence material satisfied by a valid e-licence
// and not by a suspended one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, fillFields, allItems } from './lib.mjs';

async function withServer(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-prefill-'));
  const server = await startServer({ dir });
  try {
    return await fn(server);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const APPOINTMENT = 'civil.marriage-registration-appointment';

test('prefill: a demo person\'s fields come with their provenance, and a refused undeclared read is in their access log', () =>
  withServer(async (server) => {
    const citizen = await Client.login(server.url, 'zhang.wei');
    const r = await citizen.get(`/api/v1/prefill?item=${APPOINTMENT}`);
    assert.equal(r.status, 200, r.text);
    const name = r.data.fields.applicant_name;
    assert.equal(name.value, '张伟');
    assert.equal(name.source.dataset, 'population');
    assert.ok(name.source.record, 'the record it came from');
    assert.ok(!Number.isNaN(Date.parse(name.source.as_of)), name.source.as_of);
    assert.ok(r.data.fields.applicant_id_number.value, 'the id number is filled too');
    const material = r.data.materials.find((m) => m.code === 'applicant_identity');
    assert.equal(material.fetched, true, JSON.stringify(material));
    assert.equal(material.provenance.dataset, 'population');

    // The item declares population.name and id_number, not the person's ethnicity.
    const refused = await citizen.get(`/api/v1/prefill?item=${APPOINTMENT}&read=population.ethnicity`);
    assert.equal(refused.status, 403, refused.text);
    assert.equal(refused.data.error.code, 'permission_denied');
    const log = await citizen.get('/api/v1/me/access-log?page_size=100');
    assert.equal(log.status, 200, log.text);
    const entry = log.data.items.find((e) => e.outcome === 'refused');
    assert.ok(entry, `a refused entry in ${log.text}`);
    assert.equal(entry.dataset, 'population');
    assert.deepEqual(entry.fields, ['ethnicity']);
    assert.equal(entry.purpose, APPOINTMENT);
    const leaf = JSON.parse(Buffer.from(entry.leaf, 'base64').toString());
    assert.equal(leaf.outcome, 'refused');
    // The plain reads are there too, without an outcome, under the item's legal basis.
    const read = log.data.items.find((e) => !e.outcome && e.dataset === 'population' && e.purpose === APPOINTMENT);
    assert.ok(read, log.text);
    assert.equal(read.legal_basis, 'resident-identity-card-law');
  }));

test('prefill: a sensitive field is read only with consent, given and then revoked', () =>
  withServer(async (server) => {
    const person = await Client.login(server.url, 'zhao.lei');
    const item = 'housing.provident-fund-withdrawal';
    const before = await person.get(`/api/v1/prefill?item=${item}`);
    assert.equal(before.status, 200, before.text);
    assert.equal(before.data.fields.fund_balance, undefined);
    assert.deepEqual(before.data.needs_consent, ['fund_balance']);

    const bad = await person.post('/api/v1/me/consents', { purpose: 'no.such-item' });
    assert.equal(bad.status, 400, bad.text);
    const given = await person.post('/api/v1/me/consents', { purpose: item });
    assert.equal(given.status, 201, given.text);
    assert.equal(given.data.status, 'active');
    const during = await person.get(`/api/v1/prefill?item=${item}`);
    assert.ok(during.data.fields.fund_balance?.value, during.text);
    assert.equal(during.data.fields.fund_balance.source.dataset, 'housing_fund_account');
    assert.deepEqual(during.data.needs_consent, []);
    const log = await person.get('/api/v1/me/access-log?page_size=100');
    assert.ok(log.data.items.some((e) => e.legal_basis === `consent:${given.data.id}` && e.fields.includes('balance')),
      log.text);

    const list = await person.get('/api/v1/me/consents');
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.data.items.map((c) => [c.id, c.status]), [[given.data.id, 'active']]);
    const other = await Client.login(server.url, 'zhang.wei');
    assert.equal((await other.request('DELETE', `/api/v1/me/consents/${given.data.id}`)).status, 404);
    const revoked = await person.request('DELETE', `/api/v1/me/consents/${given.data.id}`);
    assert.equal(revoked.status, 200, revoked.text);
    assert.equal(revoked.data.status, 'revoked');
    assert.ok(revoked.data.revoked_at);
    assert.equal((await person.request('DELETE', `/api/v1/me/consents/${given.data.id}`)).status, 409);
    const after = await person.get(`/api/v1/prefill?item=${item}`);
    assert.equal(after.data.fields.fund_balance, undefined);
    assert.deepEqual(after.data.needs_consent, ['fund_balance']);
    const kept = await person.get('/api/v1/me/consents');
    assert.equal(kept.data.items[0].status, 'revoked');
  }));

test('prefill: submission fetches the shared-data materials, which show fetched with their provenance', () =>
  withServer(async (server) => {
    const citizen = await Client.login(server.url, 'zhang.wei');
    const item = (await allItems(citizen)).find((i) => i.code === APPOINTMENT);
    assert.deepEqual(item.data_bases, { population: 'resident-identity-card-law' });
    const app = await citizen.post('/api/v1/applications', { item: item.code, channel: 'web', fields: fillFields(item) });
    assert.equal(app.status, 201, app.text);
    for (const code of ['applicant_identity', 'partner_identity']) {
      const m = app.data.materials.find((x) => x.code === code);
      assert.equal(m.status, 'fetched', JSON.stringify(m));
      assert.equal(m.provenance.dataset, 'population');
      assert.ok(m.provenance.record);
      assert.ok(!Number.isNaN(Date.parse(m.provenance.as_of)));
    }
    const again = await citizen.get(`/api/v1/applications/${app.data.id}`);
    assert.equal(again.data.materials.find((x) => x.code === 'applicant_identity').status, 'fetched');
    const log = await citizen.get('/api/v1/me/access-log?page_size=100');
    assert.ok(log.data.items.some((e) => e.application === app.data.id && e.dataset === 'population'), log.text);
  }));

test('prefill: a licence material is satisfied by a valid e-licence and not by a suspended one', () =>
  withServer(async (server) => {
    // 张伟 holds a driving licence from the demo city (serve --demo issues it) and no residence permit.
    const citizen = await Client.login(server.url, 'zhang.wei');
    const police = await Client.login(server.url, 'reviewer.police');
    const renewal = 'police.driving-licence-renewal';
    const enrolment = 'education.primary-school-enrolment';

    const none = await citizen.get(`/api/v1/prefill?item=${enrolment}`);
    assert.equal(none.status, 200, none.text);
    const missing = none.data.materials.find((m) => m.code === 'residence_permit');
    assert.equal(missing.fetched, false);
    assert.equal(missing.reason, 'no_licence');

    const licence = (await citizen.get('/api/v1/me/licences')).data.items.find((l) => l.type === 'driving_licence');
    assert.ok(licence, 'the demo driving licence');
    const valid = (await citizen.get(`/api/v1/prefill?item=${renewal}`)).data.materials.find((m) => m.code === 'driving_licence');
    assert.equal(valid.fetched, true, JSON.stringify(valid));
    assert.equal(valid.licence.id, licence.id);
    assert.equal(valid.licence.issuer, licence.issuer);
    assert.equal(valid.licence.status, 'valid');
    assert.ok(valid.licence.as_of);

    const suspend = await police.post(`/api/v1/licences/${licence.id}/actions/suspend`, { reason: '信息核查中' });
    assert.equal(suspend.status, 200, suspend.text);
    const suspended = (await citizen.get(`/api/v1/prefill?item=${renewal}`)).data.materials.find((m) => m.code === 'driving_licence');
    assert.equal(suspended.fetched, false, JSON.stringify(suspended));
    assert.equal(suspended.reason, 'suspended');
    assert.equal(suspended.licence.status, 'suspended');
  }));
