// A JOSE implementation that is not ours (the `jose` npm package) verifies the trust list with
// nothing but the server's /.well-known/jwks.json, and a credential with the keys the trust list
// names; it refuses a trust list whose payload was changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as jose from 'jose';
import { BIN, ROOT, startServer } from '../api/lib.mjs';

const SIGN = join(dirname(BIN), 'tests', 'tongban_jws_sign');

test('the jose package verifies our trust list with our JWKS, and a credential with the trust list keys', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-trust-'));
  const keysDir = join(dir, 'keys');
  const server = await startServer({ dir, extraArgs: ['--keys-dir', keysDir] });
  try {
    const jwks = jose.createLocalJWKSet(await (await fetch(`${server.url}/.well-known/jwks.json`)).json());
    const list = await (await fetch(`${server.url}/api/v1/trust-list`)).text();
    const { payload, protectedHeader } = await jose.jwtVerify(list, jwks, { algorithms: ['EdDSA'], typ: 'trust-list+jwt' });
    assert.equal(payload.iss, 'urn:tongban:sh:platform');
    const market = payload.issuers.find((i) => i.id === 'urn:tongban:sh:issuer:market');
    assert.ok(market && protectedHeader.kid);

    const r = spawnSync(SIGN, ['--db', server.dbUrl, '--keys-dir', keysDir, '--issuer', 'market', '--typ', 'vc+jwt',
      JSON.stringify({ id: 'urn:tongban:licence:X', issuer: { id: market.id } })], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const marketKeys = jose.createLocalJWKSet({ keys: market.keys.map(({ status, ...k }) => k) });
    const verified = await jose.compactVerify(r.stdout.trim(), marketKeys, { algorithms: ['EdDSA'] });
    assert.equal(verified.protectedHeader.typ, 'vc+jwt');

    const [h, p, s] = list.split('.');
    const changed = Buffer.from(JSON.stringify({ ...payload, exp: payload.exp + 3600 })).toString('base64url');
    await assert.rejects(jose.jwtVerify(`${h}.${changed}.${s}`, jwks), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
