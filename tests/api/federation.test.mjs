// Federation (issue 14 items 1 and 2) with real platform processes on 127.0.0.1, each with its own
// database and keys: Shanghai (sh, the default) and Zhejiang (zj, from a config file), and a
// stand-in that relays Zhejiang's documents and can tamper with its list. GET /api/v1/platform and
// the signed list naming the platform and its list key; adding a peer by fingerprint (API and
// command line); a wrong fingerprint, an unknown address and a tampered list each refused with a
// clear status and message; removal; the refresh job, following a key rotation and keeping the old
// list when a refresh is refused. Runs on PostgreSQL too (TONGBAN_TEST_DB=postgres).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, ROOT, startServer, runTongban } from './lib.mjs';

const texts = (lang) => JSON.parse(readFileSync(join(ROOT, `web/i18n/${lang}.json`), 'utf8'));
const en = texts('en');


// RFC 7638: the SHA-256 of the required members in order, base64url.
const thumbprint = (jwk) =>
  createHash('sha256').update(`{"crv":"${jwk.crv}","kty":"${jwk.kty}","x":"${jwk.x}"}`).digest('base64url');

function decode(jws) {
  const [h, p, s] = jws.split('.');
  return { header: JSON.parse(Buffer.from(h, 'base64url')), payload: JSON.parse(Buffer.from(p, 'base64url')), h, p, s };
}

function verifies(jws, jwk) {
  const { h, p, s } = decode(jws);
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
  return verify(null, Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'));
}

let dir, sh, zj, zjUrl, relay, relayUrl;
const relayMode = { tamper: false };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tongban-fed-'));
  const zjConfig = join(dir, 'zj.yaml');
  writeFileSync(zjConfig, 'platform:\n  code: zj\n  name:\n    zh: 浙江\n    en: Zhejiang\n  url: https://tongban.zj.example\n');
  [sh, zj] = await Promise.all([startServer(), startServer({ extraArgs: ['--config', zjConfig] })]);
  zjUrl = zj.url;
  // Relays Zhejiang's documents; in tamper mode it changes a byte of the list's signed payload.
  relay = createServer(async (req, res) => {
    let upstream, body;
    try {
      upstream = await fetch(zjUrl + req.url);
      body = await upstream.text();
    } catch {
      res.writeHead(502);
      res.end();
      return;
    }
    if (relayMode.tamper && req.url.startsWith('/api/v1/trust-list')) {
      const [h, p, s] = body.split('.');
      const payload = Buffer.from(p, 'base64url').toString().replace('"Zhejiang"', '"Zhejianq"');
      body = `${h}.${Buffer.from(payload).toString('base64url')}.${s}`;
    }
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' });
    res.end(body);
  });
  await new Promise((r) => relay.listen(0, '127.0.0.1', r));
  relayUrl = `http://127.0.0.1:${relay.address().port}`;
});

after(async () => {
  relay?.close();
  await Promise.all([sh?.stop(), zj?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

async function zjPlatform() {
  const r = await new Client(zj.url).get('/api/v1/platform');
  assert.equal(r.status, 200);
  return r.data;
}

test('federation: GET /api/v1/platform names the platform and its list key, which signs the list naming both', async () => {
  const p = await zjPlatform();
  assert.equal(p.code, 'zj');
  assert.deepEqual(p.name, { zh: '浙江', en: 'Zhejiang' });
  assert.equal(p.url, 'https://tongban.zj.example');
  assert.equal(p.list_key.kty, 'OKP');
  assert.equal(p.list_key.crv, 'Ed25519');
  assert.equal(p.list_key.kid, thumbprint(p.list_key));
  const list = await new Client(zj.url).get('/api/v1/trust-list');
  assert.equal(list.status, 200);
  const { header, payload } = decode(list.text);
  assert.equal(header.typ, 'trust-list+jwt');
  assert.equal(header.kid, p.list_key.kid);
  assert.ok(verifies(list.text, p.list_key));
  assert.equal(payload.platform.code, 'zj');
  assert.deepEqual(payload.platform.list_keys.map((k) => [k.kid, k.status]), [[p.list_key.kid, 'active']]);
  // Shanghai is the default platform.
  const shp = await new Client(sh.url).get('/api/v1/platform');
  assert.equal(shp.data.code, 'sh');
  assert.equal(shp.data.name.en, 'Shanghai');
  // ?kid= of a key that is not a list key: 404.
  const other = await new Client(zj.url, { lang: 'en' }).get('/api/v1/trust-list?kid=nope');
  assert.equal(other.status, 404);
});

test('federation: an administrator adds a peer by fingerprint; wrong fingerprint, unknown address and tampered list are refused', async () => {
  const admin = await Client.login(sh.url, 'admin', undefined, { lang: 'en' });
  const p = await zjPlatform();
  const other = createHash('sha256').update('another key').digest('base64url');

  const wrong = await admin.post('/api/v1/federation/peers', { code: 'zj', url: zj.url, fingerprint: other });
  assert.equal(wrong.status, 400);
  assert.equal(wrong.data.error.message, en['error.federation.fingerprint_mismatch']);

  const unknown = await admin.post('/api/v1/federation/peers', { code: 'zj', url: 'http://127.0.0.1:1', fingerprint: p.list_key.kid });
  assert.equal(unknown.status, 503);
  assert.equal(unknown.data.error.message, en['error.federation.unreachable']);

  relayMode.tamper = true;
  const tampered = await admin.post('/api/v1/federation/peers', { code: 'zj', url: relayUrl, fingerprint: p.list_key.kid });
  relayMode.tamper = false;
  assert.equal(tampered.status, 400);
  assert.equal(tampered.data.error.message, en['error.federation.list_signature']);

  const code = await admin.post('/api/v1/federation/peers', { code: 'js', url: zj.url, fingerprint: p.list_key.kid });
  assert.equal(code.status, 400);
  assert.equal(code.data.error.message, en['error.federation.code_mismatch']);
  const form = await admin.post('/api/v1/federation/peers', { code: 'zj', url: 'ftp://x', fingerprint: p.list_key.kid });
  assert.equal(form.status, 400);
  assert.equal(form.data.error.message, en['error.federation.url']);

  const none = await admin.get('/api/v1/federation/peers');
  assert.deepEqual(none.data.items, []);

  const added = await admin.post('/api/v1/federation/peers', { code: 'zj', url: zj.url + '/', fingerprint: p.list_key.kid });
  assert.equal(added.status, 201, added.text);
  assert.equal(added.data.code, 'zj');
  assert.equal(added.data.url, zj.url);
  assert.equal(added.data.fingerprint, p.list_key.kid);
  assert.equal(added.data.name.en, 'Zhejiang');
  assert.equal(added.data.list_serves, true);
  assert.equal(added.data.last_error, null);
  assert.ok(Date.parse(added.data.list_valid_until) > Date.now() + 23 * 3600 * 1000);

  const again = await admin.post('/api/v1/federation/peers', { code: 'zj', url: zj.url, fingerprint: p.list_key.kid });
  assert.equal(again.status, 409);
  const listed = await admin.get('/api/v1/federation/peers');
  assert.deepEqual(listed.data.items.map((x) => x.code), ['zj']);
  assert.match((await runTongban(['federation', 'list-peers', '--db', sh.dbUrl])).out, /^zj\s/m);

  // Administrators only.
  const citizen = await Client.login(sh.url, 'zhang.wei', undefined, { lang: 'en' });
  const refused = await citizen.get('/api/v1/federation/peers');
  assert.equal(refused.status, 403);
  assert.equal(refused.data.error.message, en['error.federation.admin_only']);
  assert.equal((await new Client(sh.url).get('/api/v1/federation/peers')).status, 401);

  const removed = await admin.request('DELETE', '/api/v1/federation/peers/zj');
  assert.equal(removed.status, 204);
  assert.deepEqual((await admin.get('/api/v1/federation/peers')).data.items, []);
  const gone = await admin.request('DELETE', '/api/v1/federation/peers/zj');
  assert.equal(gone.status, 404);
  assert.equal(gone.data.error.message, en['error.federation.unknown_peer']);
});

test('federation: a peer\'s licence verifies here once the peer is added, with its status bits from the peer; refused once it is removed', async () => {
  const admin = await Client.login(sh.url, 'admin', undefined, { lang: 'en' });
  const holder = await Client.login(zj.url, 'zhang.wei');
  const driving = (await holder.get('/api/v1/me/licences')).data.items.find((l) => l.type === 'driving_licence');
  assert.ok(driving, 'the demo gives 张伟 a driving licence on every platform');
  const credential = (await holder.get(`/api/v1/licences/${driving.id}/credential`)).text;
  // 王芳's enterprise's business licence, suspended on Zhejiang before Shanghai reads any status.
  const wang = await Client.login(zj.url, 'wang.fang');
  const enterprise = (await wang.get('/api/v1/me')).data.enterprises[0].code;
  const business = (await wang.get(`/api/v1/me/licences?enterprise=${enterprise}`)).data.items
    .find((l) => l.type === 'business_licence');
  const suspendedCredential = (await wang.get(`/api/v1/licences/${business.id}/credential`)).text;
  const reviewer = await Client.login(zj.url, 'reviewer.market');
  const suspended = await reviewer.post(`/api/v1/licences/${business.id}/actions/suspend`, { reason: '信息核查中' });
  assert.equal(suspended.status, 200, suspended.text);

  const verifier = new Client(sh.url, { lang: 'en' });
  const verify = async (token) => (await verifier.post('/api/v1/verify', { token })).data;
  // Zhejiang verifies it; Shanghai does not know its issuer yet.
  assert.equal((await new Client(zj.url).post('/api/v1/verify', { token: credential })).data.status, 'valid');
  assert.equal((await verify(credential)).status, 'unknown_issuer');

  const p = await zjPlatform();
  const added = await admin.post('/api/v1/federation/peers', { code: 'zj', url: zj.url, fingerprint: p.list_key.kid });
  assert.equal(added.status, 201, added.text);
  const v = await verify(credential);
  assert.equal(v.status, 'valid', JSON.stringify(v));
  assert.equal(v.valid, true);
  // The status bits are Zhejiang's: the suspended licence says so here too.
  assert.equal((await verify(suspendedCredential)).status, 'suspended');
  // A changed signature is refused as for our own licences.
  const forged = credential.slice(0, -2) + (credential.at(-2) === 'A' ? 'B' : 'A') + credential.at(-1);
  assert.equal((await verify(forged)).valid, false);

  assert.equal((await admin.request('DELETE', '/api/v1/federation/peers/zj')).status, 204);
  assert.equal((await verify(credential)).status, 'unknown_issuer');
});

test('federation: the command line adds a peer; the refresh job follows a key rotation and keeps the old list on a tampered one', async () => {
  const admin = await Client.login(sh.url, 'admin', undefined, { lang: 'en' });
  const before = await zjPlatform();
  const bad = await runTongban(['federation', 'add-peer', '--code', 'zj', '--url', zj.url, '--fingerprint', 'A'.repeat(43), '--db', sh.dbUrl]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /error\.federation\.fingerprint_mismatch/);
  const added = await runTongban(['federation', 'add-peer', '--code', 'zj', '--url', relayUrl, '--fingerprint', before.list_key.kid, '--db', sh.dbUrl]);
  assert.equal(added.code, 0, added.err);
  assert.match(added.out, /Peer zj/);

  // Zhejiang rotates its list key: the list its old key signs names the new one.
  const rotated = await runTongban(['keys', 'rotate', '--purpose', 'trust_list', '--db', zj.dbUrl]);
  assert.equal(rotated.code, 0, rotated.err);
  const after = await zjPlatform();
  assert.notEqual(after.list_key.kid, before.list_key.kid);
  const job = await runTongban(['jobs', 'run', 'federation', '--all', '--db', sh.dbUrl]);
  assert.equal(job.code, 0, job.err);
  assert.match(job.out, /1 refreshed, 1 rotated, 0 refused/);
  let peer = (await admin.get('/api/v1/federation/peers')).data.items[0];
  assert.equal(peer.fingerprint, after.list_key.kid);
  // Due at once after a rotation: the next list is signed by the new key.
  const next = await runTongban(['jobs', 'run', 'federation', '--db', sh.dbUrl]);
  assert.match(next.out, /1 refreshed, 0 rotated, 0 refused/);

  // A tampered list: refused with its reason, the old list keeps serving.
  relayMode.tamper = true;
  const refused = await runTongban(['jobs', 'run', 'federation', '--all', '--db', sh.dbUrl]);
  relayMode.tamper = false;
  assert.match(refused.out, /zj: refused: error\.federation\.list_signature/);
  peer = (await admin.get('/api/v1/federation/peers')).data.items[0];
  assert.equal(peer.last_error.code, 'error.federation.list_signature');
  assert.equal(peer.list_serves, true);
  assert.equal(peer.fingerprint, after.list_key.kid);

  // Zhejiang down: unreachable, recorded; the list still serves.
  await zj.stop();
  zj = null;
  const down = await runTongban(['jobs', 'run', 'federation', '--all', '--db', sh.dbUrl]);
  assert.match(down.out, /refused: error\.federation\.(unreachable|not_a_platform)/);
  peer = (await admin.get('/api/v1/federation/peers')).data.items[0];
  assert.equal(peer.list_serves, true);

  assert.equal((await runTongban(['federation', 'remove-peer', '--code', 'zj', '--db', sh.dbUrl])).code, 0);
  assert.deepEqual((await admin.get('/api/v1/federation/peers')).data.items, []);
  assert.equal((await runTongban(['federation', 'remove-peer', '--code', 'zj', '--db', sh.dbUrl])).code, 1);
});
