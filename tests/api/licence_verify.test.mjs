// Issue 10's API test end to end, on real licences: one is issued on approval, then verified,
// suspended, verified again, reinstated and revoked, through POST /api/v1/verify with the
// credential and with the token its QR code carries; a presentation of it discloses only what the
// holder chose and is accepted once; the trust list names the types each issuer may issue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, fillFields, allItems } from './lib.mjs';

async function withServer(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-licence-verify-'));
  const server = await startServer({ dir });
  try {
    return await fn(server);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const payloadOf = (jws) => JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString());

test('issue 10: issue, verify, suspend, verify, reinstate, revoke, with the credential and the QR token', () =>
  withServer(async (server) => {
    const citizen = await Client.login(server.url, 'zhang.wei');
    const item = (await allItems(citizen)).find((i) => i.code === 'hrss.social-security-card');
    const reviewer = await Client.login(server.url, `reviewer.${item.department}`);
    const anyone = new Client(server.url);

    const app = await citizen.post('/api/v1/applications', { item: item.code, channel: 'web', fields: fillFields(item) });
    assert.equal(app.status, 201, app.text);
    for (const action of ['accept', 'approve', 'deliver']) {
      const r = await reviewer.post(`/api/v1/applications/${app.data.id}/actions/${action}`, {});
      assert.equal(r.status, 200, `${action}: ${r.text}`);
    }
    const licence = (await citizen.get('/api/v1/me/licences')).data.items[0];
    const credential = (await citizen.get(`/api/v1/licences/${licence.id}/credential`)).text;
    const view = (await citizen.get(`/api/v1/licences/${licence.id}`)).data;
    const qr = view.qr_token;
    assert.ok(qr, 'a delivered licence shows the token its QR code carries');

    const verify = async (token) => {
      const r = await anyone.post('/api/v1/verify', { token });
      assert.equal(r.status, 200, r.text);
      return r.data;
    };
    const expectStatus = async (status) => {
      for (const token of [credential, qr]) {
        const v = await verify(token);
        assert.equal(v.status, status, `${payloadOf(token).lid ? 'QR token' : 'credential'}: ${JSON.stringify(v)}`);
        assert.equal(v.valid, status === 'valid');
      }
    };

    await expectStatus('valid');
    const v = await verify(credential);
    assert.equal(v.claims.licence_type, 'social_security_card');

    const act = (action, reason) => reviewer.post(`/api/v1/licences/${licence.id}/actions/${action}`, { reason });
    assert.equal((await act('suspend', '信息核查中')).status, 200);
    await expectStatus('suspended');
    assert.equal((await act('reinstate', '核查完毕')).status, 200);
    await expectStatus('valid');
    assert.equal((await act('revoke', '违规使用')).status, 200);
    await expectStatus('revoked');

    // A token changed by one character of its signature is not ours.
    const forged = credential.slice(0, -2) + (credential.at(-2) === 'A' ? 'B' : 'A') + credential.at(-1);
    assert.equal((await verify(forged)).valid, false);
  }));

test('issue 10: a presentation discloses what the holder chose, once, and the trust list names the issuers\' types', () =>
  withServer(async (server) => {
    const citizen = await Client.login(server.url, 'zhang.wei');
    const other = await Client.login(server.url, 'li.na');
    const item = (await allItems(citizen)).find((i) => i.code === 'education.teacher-qualification');
    const reviewer = await Client.login(server.url, `reviewer.${item.department}`);
    const anyone = new Client(server.url);

    // Its medical report is an upload: a draft, the file, then submission.
    const app = await citizen.post('/api/v1/applications', { item: item.code, channel: 'web', draft: true, fields: fillFields(item) });
    assert.equal(app.status, 201, app.text);
    for (const m of item.materials.filter((m) => m.source === 'upload')) {
      const put = await citizen.request('PUT', `/api/v1/applications/${app.data.id}/materials/${m.code}`,
        { body: Buffer.from('%PDF-1.7\n'), headers: { 'x-file-name': 'report.pdf' } });
      assert.equal(put.status, 200, put.text);
    }
    assert.equal((await citizen.post(`/api/v1/applications/${app.data.id}/actions/submit`, {})).status, 200);
    for (const action of ['accept', 'approve', 'deliver']) {
      assert.equal((await reviewer.post(`/api/v1/applications/${app.data.id}/actions/${action}`, {})).status, 200);
    }
    const licence = (await citizen.get('/api/v1/me/licences')).data.items[0];
    const claims = payloadOf((await citizen.get(`/api/v1/licences/${licence.id}/credential`)).text).credentialSubject;
    assert.ok('holder_name' in claims);
    const hidden = Object.keys(claims).filter((k) => !['id', 'licence_type', 'holder_name', 'subject'].includes(k));
    assert.ok(hidden.length > 0, `claims besides the name: ${JSON.stringify(claims)}`);

    // Only the holder may present it; someone else learns nothing about it.
    const ask = { disclose: ['holder_name', 'subject'], ttl_seconds: 300, audience: 'https://bank.example', nonce: 'n-1' };
    assert.equal((await other.post(`/api/v1/licences/${licence.id}/presentations`, ask)).status, 404);
    const made = await citizen.post(`/api/v1/licences/${licence.id}/presentations`, ask);
    assert.equal(made.status, 201, made.text);

    const first = await anyone.post('/api/v1/verify', { token: made.data.token, audience: 'https://bank.example' });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.data.valid, true, first.text);
    assert.equal(first.data.claims.holder_name, claims.holder_name);
    assert.equal(first.data.claims.subject, claims.subject);
    for (const name of hidden) assert.ok(!(name in first.data.claims), `${name} was not disclosed`);
    const again = await anyone.post('/api/v1/verify', { token: made.data.token, audience: 'https://bank.example' });
    assert.equal(again.data.valid, false);
    assert.equal(again.data.status, 'replayed');

    const trust = payloadOf((await anyone.get('/api/v1/trust-list')).text);
    const education = trust.issuers.find((i) => i.id === 'urn:tongban:sh:issuer:education');
    assert.deepEqual(education.licence_types, ['teacher_qualification']);
  }));
