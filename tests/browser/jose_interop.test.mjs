// A JOSE implementation that is not ours (the `jose` npm package) verifies what Tongban signs,
// with nothing but the server's /.well-known/jwks.json: before and after a key rotation, and it
// refuses a tampered token. The token comes from tongban_jws_sign (tests/tools/jws_sign.cc),
// which signs with the key store of the running server's database, as a server does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as jose from 'jose';
import { BIN, ROOT, startServer } from '../api/lib.mjs';

const SIGN = join(dirname(BIN), 'tests', 'tongban_jws_sign');

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: 60000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

async function fetchJwks(url) {
  const res = await fetch(`${url}/.well-known/jwks.json`);
  assert.equal(res.status, 200);
  return jose.createLocalJWKSet(await res.json());
}

test('the jose package verifies our EdDSA JWS with our JWKS, across a rotation, and refuses tampering', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-jose-'));
  const keysDir = join(dir, 'keys');
  const server = await startServer({ dir, extraArgs: ['--keys-dir', keysDir] });
  try {
    const sign = (owner, payload, typ = 'JWT') =>
      run(SIGN, ['--db', server.dbUrl, '--keys-dir', keysDir, ...owner, '--typ', typ, JSON.stringify(payload)]);
    const now = Math.floor(Date.now() / 1000);
    const head = sign(['--purpose', 'log'], { tree_size: 3, root_hash: 'AAAA', timestamp: now });
    const licence = sign(['--issuer', 'market'], { iss: 'market', sub: 'L1', iat: now, exp: now + 3600 }, 'vc+jwt');

    let keys = await fetchJwks(server.url);
    const verified = await jose.compactVerify(head, keys, { algorithms: ['EdDSA'] });
    assert.equal(verified.protectedHeader.alg, 'EdDSA');
    assert.deepEqual(JSON.parse(new TextDecoder().decode(verified.payload)).tree_size, 3);
    const jwt = await jose.jwtVerify(licence, keys, { algorithms: ['EdDSA'], typ: 'vc+jwt' });
    assert.equal(jwt.payload.sub, 'L1');

    // Rotation: a new key signs, and what the old key signed still verifies.
    run(BIN, ['keys', 'rotate', '--issuer', 'market', '--db', server.dbUrl, '--keys-dir', keysDir]);
    const later = sign(['--issuer', 'market'], { iss: 'market', sub: 'L2', iat: now, exp: now + 3600 }, 'vc+jwt');
    assert.notEqual(jose.decodeProtectedHeader(later).kid, jose.decodeProtectedHeader(licence).kid);
    keys = await fetchJwks(server.url);
    assert.equal((await jose.jwtVerify(later, keys, { algorithms: ['EdDSA'] })).payload.sub, 'L2');
    assert.equal((await jose.jwtVerify(licence, keys, { algorithms: ['EdDSA'] })).payload.sub, 'L1');

    // Tampered: another payload under the same signature; another kid of ours.
    const [h, , s] = licence.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ iss: 'market', sub: 'L9', iat: now, exp: now + 3600 })).toString('base64url')}.${s}`;
    await assert.rejects(jose.compactVerify(forged, keys), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    const otherKid = jose.decodeProtectedHeader(head).kid;
    const header = Buffer.from(JSON.stringify({ alg: 'EdDSA', kid: otherKid, typ: 'vc+jwt' })).toString('base64url');
    const [, p] = licence.split('.');
    await assert.rejects(jose.compactVerify(`${header}.${p}.${s}`, keys), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
