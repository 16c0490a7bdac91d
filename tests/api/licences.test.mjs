// Electronic licences from outside (issue 10 items 2, 3, 4, 8): approval issues a licence, delivery
// hands it over, the credential is a W3C VC as a compact EdDSA JWS that verifies with our JWKS,
// the QR code (SVG and PNG, decoded with zbarimg when installed) carries the signed QR token, and
// the issuer suspends, reinstates and revokes it with reasons.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify as edVerify } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, fillFields, allItems } from './lib.mjs';

async function withServer(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-licences-'));
  const server = await startServer({ dir });
  try {
    return await fn(server, dir);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// Verifies a compact JWS with the server's JWKS (node:crypto, not our code); answers header and payload.
async function verifyJws(server, token) {
  const jwks = (await new Client(server.url).get('/.well-known/jwks.json')).data.keys;
  const [h, p, s] = token.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString());
  assert.equal(header.alg, 'EdDSA');
  const jwk = jwks.find((k) => k.kid === header.kid);
  assert.ok(jwk, 'the kid is in the JWKS');
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
  assert.ok(edVerify(null, Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url')), 'the signature verifies');
  return { header, payload: JSON.parse(Buffer.from(p, 'base64url').toString()) };
}

// Submits `item` as `citizen` and takes it through accept, approve and deliver as `reviewer`.
async function approveAndDeliver(citizen, reviewer, item, deliver = true) {
  const app = await citizen.post('/api/v1/applications', { item: item.code, channel: 'web', fields: fillFields(item) });
  assert.equal(app.status, 201, app.text);
  for (const action of deliver ? ['accept', 'approve', 'deliver'] : ['accept', 'approve']) {
    const r = await reviewer.post(`/api/v1/applications/${app.data.id}/actions/${action}`, {});
    assert.equal(r.status, 200, `${action}: ${r.text}`);
  }
  return app.data;
}

test('licence types are catalogue data and items name theirs', () =>
  withServer(async (server) => {
    const anon = new Client(server.url);
    const types = (await anon.get('/api/v1/licence-types')).data.items;
    assert.ok(types.length >= 15);
    const catering = types.find((t) => t.code === 'catering');
    assert.deepEqual(catering.parts, ['business_licence', 'food_business_permit', 'shop_sign_permit',
      'fire_safety_approval', 'public_place_health_permit']);
    const item = (await anon.get('/api/v1/items/hrss.social-security-card')).data;
    assert.equal(item.licence_type, 'social_security_card');
    const other = (await anon.get('/api/v1/items/hrss.pension-eligibility-certification')).data;
    assert.equal(other.licence_type, null);
  }));

test('issue, download, QR, suspend, reinstate, revoke: the status is stored and the holder sees it', () =>
  withServer(async (server, dir) => {
    const citizen = await Client.login(server.url, 'zhang.wei');
    const items = await allItems(citizen);
    const item = items.find((i) => i.code === 'hrss.social-security-card');
    const reviewer = await Client.login(server.url, `reviewer.${item.department}`);
    const other = await Client.login(server.url, 'li.na');

    // Approved but not delivered: pending, no documents yet.
    const app = await approveAndDeliver(citizen, reviewer, item, false);
    // The demo's people hold licences from before (their driving licence): this application's is new.
    let mine = (await citizen.get('/api/v1/me/licences')).data.items.filter((l) => l.application === app.id);
    assert.equal(mine.length, 1);
    const licence = mine[0];
    assert.equal(licence.type, 'social_security_card');
    assert.equal(licence.delivered, false);
    assert.equal(licence.application, app.id);
    assert.equal((await citizen.get(`/api/v1/licences/${licence.id}/credential`)).status, 409);
    assert.equal((await reviewer.post(`/api/v1/applications/${app.id}/actions/deliver`, {})).status, 200);
    mine = (await citizen.get('/api/v1/me/licences')).data.items.filter((l) => l.id === licence.id);
    assert.equal(mine[0].delivered, true);
    assert.equal(mine[0].status, 'valid');
    assert.equal((await other.get(`/api/v1/licences/${licence.id}`)).status, 404);

    // The credential: W3C VC 2.0, vc+jwt, verified with the JWKS by node's own Ed25519.
    const cred = await citizen.get(`/api/v1/licences/${licence.id}/credential`);
    assert.equal(cred.status, 200);
    assert.match(cred.headers.get('content-type'), /^application\/vc\+jwt/);
    const { header, payload } = await verifyJws(server, cred.text);
    assert.equal(header.typ, 'vc+jwt');
    assert.deepEqual(payload['@context'], ['https://www.w3.org/ns/credentials/v2']);
    assert.ok(payload.type.includes('VerifiableCredential'));
    assert.equal(payload.id, `urn:tongban:licence:${licence.id}`);
    assert.equal(payload.issuer.id, 'urn:tongban:sh:issuer:hrss');
    assert.equal(payload.credentialSubject.licence_type, 'social_security_card');
    assert.equal(payload.credentialStatus.length, 2);
    assert.equal(payload.credentialStatus[0].statusListIndex, String(licence.status_index));

    // The QR: an SVG and a PNG of the signed QR token.
    const svg = await citizen.get(`/api/v1/licences/${licence.id}/qr.svg`);
    assert.equal(svg.status, 200);
    assert.match(svg.headers.get('content-type'), /^image\/svg\+xml/);
    assert.match(svg.text, /^<svg /);
    const png = await fetch(`${server.url}/api/v1/licences/${licence.id}/qr.png`, { headers: { authorization: `Bearer ${citizen.token}` } });
    assert.equal(png.status, 200);
    const bytes = Buffer.from(await png.arrayBuffer());
    assert.equal(bytes.subarray(1, 4).toString(), 'PNG');
    const zbar = spawnSync('zbarimg', ['--version'], { encoding: 'utf8' });
    if (zbar.status === 0) {
      const file = join(dir, 'qr.png');
      writeFileSync(file, bytes);
      const read = spawnSync('zbarimg', ['--quiet', '--raw', file], { encoding: 'utf8' });
      assert.equal(read.status, 0, read.stderr);
      const token = read.stdout.trim();
      assert.ok(token.length <= 412, `QR token of ${token.length} bytes`);
      const qr = await verifyJws(server, token);
      assert.equal(qr.header.typ, 'lic+jwt');
      assert.equal(qr.payload.lid, licence.id);
      assert.equal(qr.payload.si, licence.status_index);
      assert.match(qr.payload.sub, /\*{4}/);
    } else {
      test.diagnostic?.('zbarimg is not installed: the PNG was not decoded (scripts/install-deps.sh installs zbar-tools)');
    }

    // Status: only the issuer's reviewer, with a reason; revoked is final.
    const act = (who, action, reason) => who.post(`/api/v1/licences/${licence.id}/actions/${action}`, reason === undefined ? {} : { reason });
    assert.equal((await act(citizen, 'suspend', 'x')).status, 403);
    assert.equal((await act(reviewer, 'suspend')).status, 400);
    let r = await act(reviewer, 'suspend', '信息核查中');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.data.status, 'suspended');
    assert.equal((await citizen.get(`/api/v1/licences/${licence.id}`)).data.status, 'suspended');
    r = await act(reviewer, 'reinstate', '核查完毕');
    assert.equal(r.data.status, 'valid');
    r = await act(reviewer, 'revoke', '违规使用');
    assert.equal(r.data.status, 'revoked');
    assert.equal((await act(reviewer, 'reinstate', 'x')).status, 409);
    const seen = (await citizen.get(`/api/v1/licences/${licence.id}`)).data;
    assert.equal(seen.status, 'revoked');
    assert.deepEqual(seen.history.map((h) => h.action), ['issue', 'suspend', 'reinstate', 'revoke']);
    assert.equal(seen.history[1].reason, '信息核查中');
    assert.equal((await act(reviewer, 'bless', 'x')).status, 404);
  }));
