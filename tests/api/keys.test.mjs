// The key store seen from outside: /.well-known/jwks.json, `tongban keys rotate`, and keys.dir's
// key-encryption key (created 0600, refused when wider, never printed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, startServer, Client } from './lib.mjs';

function run(args) {
  const r = spawnSync(BIN, args, { cwd: ROOT, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// RFC 7638: SHA-256 of the required members in lexicographic order, base64url.
function thumbprint(jwk) {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return createHash('sha256').update(canonical).digest('base64url');
}

async function withServer(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-keys-'));
  const keysDir = join(dir, 'keys');
  const server = await startServer({ dir, extraArgs: ['--keys-dir', keysDir] });
  try {
    return await fn(server, keysDir);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function jwks(server) {
  const r = await new Client(server.url).get('/.well-known/jwks.json');
  assert.equal(r.status, 200, r.text);
  return r;
}

test('the JWKS lists the demo keys as OKP Ed25519 JWKs with RFC 7638 kids, cacheable, no private part', () =>
  withServer(async (server, keysDir) => {
    const r = await jwks(server);
    assert.match(r.headers.get('content-type'), /^application\/jwk-set\+json/);
    assert.match(r.headers.get('cache-control'), /max-age=300/);
    const departments = (await new Client(server.url).get('/api/v1/departments')).data.items.map((d) => d.code);
    // The log's, the rating links', the trust list's, the status lists', the identity codes' and the outbound calls'
    // (issue 9 item 8) keys, and one per department with items.
    assert.ok(r.data.keys.length >= 6);
    assert.ok(r.data.keys.length <= departments.length + 6);
    for (const key of r.data.keys) {
      assert.deepEqual(Object.keys(key).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x']);
      assert.equal(key.kty, 'OKP');
      assert.equal(key.crv, 'Ed25519');
      assert.equal(key.use, 'sig');
      assert.equal(key.alg, 'EdDSA');
      assert.equal(Buffer.from(key.x, 'base64url').length, 32);
      assert.equal(key.kid, thumbprint(key));
    }
    assert.equal(new Set(r.data.keys.map((k) => k.kid)).size, r.data.keys.length);
    // keys.dir/kek: created owner-only, and its contents appear nowhere the server writes.
    const kekFile = join(keysDir, 'kek');
    assert.equal(statSync(kekFile).mode & 0o777, 0o600);
    const kek = readFileSync(kekFile, 'utf8').trim();
    assert.equal(Buffer.from(kek, 'base64url').length, 32);
    assert.ok(!server.output().includes(kek));
    assert.ok(!r.text.includes(kek));
    // A second start keeps the keys (they live in the database, not in the process).
    const again = await startServer({ db: server.dbUrl, extraArgs: ['--keys-dir', keysDir] });
    try {
      assert.deepEqual((await jwks(again)).data.keys, r.data.keys);
    } finally {
      await again.stop();
    }
  }));

test('keys rotate adds an active key and keeps the old one in the JWKS', () =>
  withServer(async (server, keysDir) => {
    const before = (await jwks(server)).data.keys.map((k) => k.kid);
    const rotated = run(['keys', 'rotate', '--issuer', 'market', '--db', server.dbUrl, '--keys-dir', keysDir]);
    assert.equal(rotated.code, 0, rotated.err);
    const kid = rotated.out.match(/New active key (\S+) for issuer market/)?.[1];
    assert.ok(kid, rotated.out);
    const after = (await jwks(server)).data.keys.map((k) => k.kid);
    assert.equal(after.length, before.length + 1);
    for (const old of before) assert.ok(after.includes(old));
    assert.ok(after.includes(kid));
    const purpose = run(['keys', 'rotate', '--purpose', 'log', '--db', server.dbUrl, '--keys-dir', keysDir]);
    assert.equal(purpose.code, 0, purpose.err);
    assert.equal((await jwks(server)).data.keys.length, before.length + 2);
    // Refused, changing nothing: an unknown department, no owner, both owners, an unknown purpose.
    for (const args of [['--issuer', 'no-such-dept'], [], ['--issuer', 'market', '--purpose', 'log'], ['--purpose', 'x']]) {
      const refused = run(['keys', 'rotate', ...args, '--db', server.dbUrl, '--keys-dir', keysDir]);
      assert.notEqual(refused.code, 0, args.join(' '));
    }
    assert.equal((await jwks(server)).data.keys.length, before.length + 2);
  }));

test('a key-encryption key readable by others stops the server from starting', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-keys-'));
  try {
    const keysDir = join(dir, 'keys');
    const first = await startServer({ dir, extraArgs: ['--keys-dir', keysDir] });
    await first.stop();
    chmodSync(join(keysDir, 'kek'), 0o644);
    await assert.rejects(startServer({ dir, extraArgs: ['--keys-dir', keysDir] }), /chmod 600/);
    const rotate = run(['keys', 'rotate', '--purpose', 'log', '--db', `sqlite:${join(dir, 'tongban.db')}`,
      '--keys-dir', keysDir]);
    assert.notEqual(rotate.code, 0);
    assert.match(rotate.err, /chmod 600/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
