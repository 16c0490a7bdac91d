// Issue 11 item 2 over HTTP: a person's identity code (随申码) from GET /api/v1/me/identity-code
// is a compact JWS (EdDSA, typ idc+jwt) that verifies with the public JWKS, checks online through
// POST /api/v1/identity-codes/verify, is refused tampered, of another kind, or foreign, and only a
// clerk's check answers the full identity number, which the person then sees in their access log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify as verifySignature } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client } from './lib.mjs';

async function withServer(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-identity-'));
  const server = await startServer({ dir });
  try {
    return await fn(server);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const part = (jws, i) => JSON.parse(Buffer.from(jws.split('.')[i], 'base64url').toString());

test('issue 11 item 2: the identity code is signed, checks online and offline, and only a clerk reads the full number', () =>
  withServer(async (server) => {
    const citizen = await Client.login(server.url, 'zhang.wei');
    const anyone = new Client(server.url, { lang: 'en' });
    const r = await citizen.get('/api/v1/me/identity-code');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const { token, expires_at: expiresAt, qr_svg: svg } = r.data;
    assert.match(svg, /^<svg/);
    const header = part(token, 0);
    const payload = part(token, 1);
    assert.equal(header.alg, 'EdDSA');
    assert.equal(header.typ, 'idc+jwt');
    assert.equal(payload.kind, 'person');
    assert.match(payload.idm, /^\d{6}\*{8}[\dX]{4}$/);
    assert.ok(payload.jti.length >= 22);
    const life = Date.parse(expiresAt) - Date.now();
    assert.ok(life > 0 && life <= 61000, `valid for about a minute: ${life} ms`);

    // Offline: the signature checks with the public JWKS alone (node's own Ed25519, not our code).
    const jwks = (await anyone.get('/.well-known/jwks.json')).data;
    const jwk = jwks.keys.find((k) => k.kid === header.kid);
    assert.ok(jwk, 'the code is signed by a key the JWKS publishes');
    const [h, p, s] = token.split('.');
    assert.ok(verifySignature(null, Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk, format: 'jwk' }),
      Buffer.from(s, 'base64url')));

    // Online, by anyone: valid, with the masked number only.
    let v = await anyone.post('/api/v1/identity-codes/verify', { token });
    assert.equal(v.status, 200, v.text);
    assert.equal(v.data.valid, true);
    assert.equal(v.data.subject.kind, 'person');
    assert.equal(v.data.subject.id, payload.idm);

    // Tampered: another name with the old signature.
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, name: '李四' })).toString('base64url')}.${s}`;
    v = await anyone.post('/api/v1/identity-codes/verify', { token: forged });
    assert.equal(v.data.valid, false);
    assert.equal(v.data.reason.code, 'bad_signature');
    assert.match(v.data.reason.message, /altered/);
    // Another kind of signed token: the trust list.
    const trustList = (await anyone.get('/api/v1/trust-list')).text;
    v = await anyone.post('/api/v1/identity-codes/verify', { token: trustList });
    assert.equal(v.data.reason.code, 'not_identity_code');
    // A foreign issuer: a kid this platform never had.
    const foreign = `${Buffer.from(JSON.stringify({ ...header, kid: 'zj-platform-identity-key' })).toString('base64url')}.${p}.${s}`;
    v = await anyone.post('/api/v1/identity-codes/verify', { token: foreign });
    assert.equal(v.data.reason.code, 'unknown_issuer');
    // No token: a plain error naming the field.
    v = await anyone.post('/api/v1/identity-codes/verify', {});
    assert.equal(v.status, 400, v.text);

    // A clerk's check answers the full number, and the person sees who read it.
    const clerk = await Client.login(server.url, 'clerk.pudong');
    v = await clerk.post('/api/v1/identity-codes/verify', { token });
    assert.equal(v.data.valid, true, v.text);
    assert.equal(v.data.subject.id, citizen.user.person_id ?? v.data.subject.id);
    assert.match(v.data.subject.id, /^\d{17}[\dX]$/);
    const log = (await citizen.get('/api/v1/me/access-log')).data;
    const entry = log.items.find((e) => e.purpose === 'identity_check');
    assert.ok(entry, `the clerk's read is in the person's access log: ${JSON.stringify(log.items.map((e) => e.purpose))}`);
    assert.equal(entry.accessor.role, 'clerk');

    // An official has no code of their own.
    const official = await clerk.get('/api/v1/me/identity-code');
    assert.equal(official.status, 403, official.text);
  }));

test('issue 11 item 2: an agent shows their enterprise\'s code; it carries the credit code, and the check names the enterprise', () =>
  withServer(async (server) => {
    const admin = await Client.login(server.url, 'wang.fang');
    const enterprise = (await admin.get('/api/v1/me')).data.enterprises[0];
    const r = await admin.get(`/api/v1/me/identity-code?enterprise=${enterprise.code}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.data.kind, 'enterprise');
    const payload = part(r.data.token, 1);
    assert.equal(payload.kind, 'enterprise');
    assert.equal(payload.idm, enterprise.code);
    assert.equal(payload.name, '', 'the name stays out of the QR code: the registry answers it');

    const anyone = new Client(server.url, { lang: 'zh' });
    const v = await anyone.post('/api/v1/identity-codes/verify', { token: r.data.token });
    assert.equal(v.data.valid, true, v.text);
    assert.equal(v.data.subject.kind, 'enterprise');
    assert.equal(v.data.subject.id, enterprise.code);
    assert.equal(v.data.subject.name, '上海浦江示范餐饮有限公司');

    // Someone who is not its agent cannot show it.
    const citizen = await Client.login(server.url, 'zhang.wei');
    const refused = await citizen.get(`/api/v1/me/identity-code?enterprise=${enterprise.code}`);
    assert.equal(refused.status, 403, refused.text);
    assert.equal(refused.data.error.code, 'permission_denied');
    assert.match(refused.data.error.message, /经办人/, 'the reason, in the person\'s language');
  }));
