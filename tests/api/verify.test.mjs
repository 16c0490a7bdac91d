// Verification by anyone (issue 10 items 1, 5, 6) seen from outside: GET /api/v1/trust-list,
// POST /api/v1/verify on credentials and QR tokens signed with the server's own issuer keys (by
// tongban_jws_sign, as a server signs), presentations' input checks, and `tongban verify` offline
// with a trust list file and status list credential files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPublicKey, verify as edVerify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BIN, ROOT, startServer, Client } from './lib.mjs';

const SIGN = join(dirname(BIN), 'tests', 'tongban_jws_sign');

function run(cmd, args, input) {
  return spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: 60000, input });
}

function decode(part) {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

async function withServer(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-verify-'));
  const keysDir = join(dir, 'keys');
  const server = await startServer({ dir, extraArgs: ['--keys-dir', keysDir] });
  const sign = (owner, payload, typ) => {
    const r = run(SIGN, ['--db', server.dbUrl, '--keys-dir', keysDir, ...owner, '--typ', typ, JSON.stringify(payload)]);
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  try {
    return await fn({ server, dir, sign });
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const BASE = 'http://127.0.0.1/api/v1/status-lists/';
function credential({ validUntil = new Date(Date.now() + 86400e3), status = true } = {}) {
  const c = {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    type: ['VerifiableCredential', 'TongbanLicence'],
    id: 'urn:tongban:licence:LIC-API-1',
    issuer: { id: 'urn:tongban:sh:issuer:market', name: '市场监督管理局' },
    validFrom: new Date(Date.now() - 3600e3).toISOString().replace(/\.\d+Z$/, 'Z'),
    validUntil: validUntil.toISOString().replace(/\.\d+Z$/, 'Z'),
    credentialSubject: { id: 'urn:tongban:person:310115199001011013', licence_type: 'business_licence', holder_name: '张伟' },
  };
  if (status) {
    c.credentialStatus = [
      { id: `${BASE}L7#42`, type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '42', statusListCredential: `${BASE}L7` },
      { id: `${BASE}L7-suspension#42`, type: 'BitstringStatusListEntry', statusPurpose: 'suspension', statusListIndex: '42', statusListCredential: `${BASE}L7-suspension` },
    ];
  }
  return c;
}

// A W3C Bitstring Status List credential payload of `list` with `set` bits, as `lic` serves them.
function statusListPayload(list, purpose, set, ttlSeconds = 300) {
  const bytes = Buffer.alloc(16384);
  for (const i of set) bytes[i >> 3] |= 0x80 >> (i % 8);
  const now = Date.now();
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    id: `${BASE}${list}`,
    issuer: { id: 'urn:tongban:sh:issuer:platform' },
    validFrom: new Date(now).toISOString().replace(/\.\d+Z$/, 'Z'),
    validUntil: new Date(now + ttlSeconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
    credentialSubject: { id: `${BASE}${list}#list`, type: 'BitstringStatusList', statusPurpose: purpose,
      encodedList: `u${gzipSync(bytes).toString('base64url')}`, ttl: ttlSeconds * 1000 },
  };
}

test('the trust list is a JWS signed by the trust_list key of the JWKS, listing issuers and the status key', () =>
  withServer(async ({ server }) => {
    const c = new Client(server.url);
    const r = await c.get('/api/v1/trust-list');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^application\/jwt/);
    const [h, p, s] = r.text.split('.');
    const header = decode(h);
    assert.equal(header.alg, 'EdDSA');
    assert.equal(header.typ, 'trust-list+jwt');
    const jwk = (await c.get('/.well-known/jwks.json')).data.keys.find((k) => k.kid === header.kid);
    assert.ok(jwk, 'the trust list key is in the JWKS');
    assert.ok(edVerify(null, Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(s, 'base64url')));
    const list = decode(p);
    assert.equal(list.iss, 'urn:tongban:sh:platform');
    assert.equal(list.exp - list.iat, 24 * 3600);
    const market = list.issuers.find((i) => i.id === 'urn:tongban:sh:issuer:market');
    assert.ok(market);
    assert.equal(market.platform, 'sh');
    assert.ok(market.name.zh && market.name.en);
    assert.equal(market.keys[0].status, 'active');
    assert.equal(list.status_issuer.keys.length, 1);
    for (const issuer of list.issuers) for (const k of issuer.keys) assert.equal(k.d, undefined);
  }));

test('POST /api/v1/verify: valid, expired, tampered, alg none, unknown key, unknown status, in both languages', () =>
  withServer(async ({ server, sign }) => {
    const c = new Client(server.url, { lang: 'en' });
    const good = sign(['--issuer', 'market'], credential({ status: false }), 'vc+jwt');
    let r = await c.post('/api/v1/verify', { token: `  ${good}\n` });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.data.valid, true);
    assert.equal(r.data.status, 'valid');
    assert.equal(r.data.kind, 'credential');
    assert.equal(r.data.claims.holder_name, '张伟');
    assert.deepEqual(r.data.reasons, []);

    r = await c.post('/api/v1/verify', { token: sign(['--issuer', 'market'], credential({ status: false, validUntil: new Date(Date.now() - 60e3) }), 'vc+jwt') });
    assert.equal(r.data.status, 'expired');
    assert.equal(r.data.valid, false);
    assert.equal(r.data.reasons[0].code, 'verify.reason.expired');

    const [h, p, s] = good.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...decode(p), credentialSubject: { holder_name: 'x' } })).toString('base64url')}.${s}`;
    r = await c.post('/api/v1/verify', { token: tampered });
    assert.equal(r.data.status, 'bad_signature');
    assert.match(r.data.reasons[0].message, /changed after signing/);
    const zh = await new Client(server.url, { lang: 'zh' }).post('/api/v1/verify', { token: tampered });
    assert.match(zh.data.reasons[0].message, /签名/);

    const none = `${Buffer.from(JSON.stringify({ ...decode(h), alg: 'none' })).toString('base64url')}.${p}.`;
    r = await c.post('/api/v1/verify', { token: none });
    assert.equal(r.data.status, 'bad_signature');
    assert.equal(r.data.valid, false);

    // Signed by a key of the platform that is not an issuer's: not a licence issuer.
    r = await c.post('/api/v1/verify', { token: sign(['--purpose', 'log'], credential({ status: false }), 'vc+jwt') });
    assert.equal(r.data.status, 'unknown_issuer');

    // A status list this server does not know (no licences yet): never "valid".
    r = await c.post('/api/v1/verify', { token: sign(['--issuer', 'market'], credential(), 'vc+jwt') });
    assert.equal(r.data.valid, false);
    assert.equal(r.data.status, 'status_unknown');

    r = await c.post('/api/v1/verify', {});
    assert.equal(r.status, 400);
    assert.equal(r.data.error.code, 'invalid_argument');
    r = await c.post('/api/v1/verify', { token: 'garbage' });
    assert.equal(r.data.status, 'bad_signature');
  }));

test('presentations need the holder signed in and a well-formed request', () =>
  withServer(async ({ server }) => {
    let r = await new Client(server.url).post('/api/v1/licences/LIC1/presentations', { disclose: ['holder_name'], ttl_seconds: 60 });
    assert.equal(r.status, 401);
    const citizen = await Client.login(server.url, 'zhang.wei', undefined, { lang: 'en' });
    r = await citizen.post('/api/v1/licences/LIC1/presentations', { disclose: [], ttl_seconds: 60 });
    assert.equal(r.status, 400);
    assert.equal(r.data.error.fields[0].field, 'disclose');
    r = await citizen.post('/api/v1/licences/LIC1/presentations', { disclose: ['holder_name'], ttl_seconds: 0 });
    assert.equal(r.status, 400);
    assert.equal(r.data.error.fields[0].field, 'ttl_seconds');
    r = await citizen.post('/api/v1/licences/LIC1/presentations', { disclose: 'holder_name', ttl_seconds: 60 });
    assert.equal(r.status, 400);
  }));

test('tongban verify works offline with a trust list file and status list files; exit codes 0, 1, 2', () =>
  withServer(async ({ server, dir, sign }) => {
    const trust = join(dir, 'trust-list.jwt');
    writeFileSync(trust, (await new Client(server.url).get('/api/v1/trust-list')).text);
    const revocation = join(dir, 'L7.jwt');
    const suspension = join(dir, 'L7-suspension.jwt');
    writeFileSync(revocation, sign(['--purpose', 'status'], statusListPayload('L7', 'revocation', [41, 43]), 'vc+jwt'));
    writeFileSync(suspension, sign(['--purpose', 'status'], statusListPayload('L7-suspension', 'suspension', []), 'vc+jwt'));
    const token = sign(['--issuer', 'market'], credential(), 'vc+jwt');
    // The command gets no URL and no database: everything it knows is in the files.
    let r = run(BIN, ['verify', token, '--trust-list', trust, '--status-list', revocation, '--status-list', suspension]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^status: valid/);
    assert.match(r.stdout, /张伟/);

    writeFileSync(revocation, sign(['--purpose', 'status'], statusListPayload('L7', 'revocation', [42]), 'vc+jwt'));
    r = run(BIN, ['verify', '-', '--trust-list', trust, '--status-list', revocation, '--status-list', suspension], token);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^status: revoked/);
    assert.match(r.stdout, /revoked this licence/);

    // A status list signed by an issuer key, not the status key: the status is not known.
    writeFileSync(revocation, sign(['--issuer', 'market'], statusListPayload('L7', 'revocation', []), 'vc+jwt'));
    r = run(BIN, ['verify', token, '--trust-list', trust, '--status-list', revocation, '--status-list', suspension, '--lang', 'zh']);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^status: status_unknown/);
    assert.match(r.stdout, /状态列表/);

    r = run(BIN, ['verify', token]);
    assert.equal(r.status, 2);
    r = run(BIN, ['verify', token, '--trust-list', join(dir, 'missing.jwt')]);
    assert.equal(r.status, 2);
    r = run(BIN, ['verify', token, '--no-such-flag']);
    assert.equal(r.status, 2);
  }));
