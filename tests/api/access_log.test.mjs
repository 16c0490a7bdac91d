// The access log seen from outside (issue 9 item 5): an official opening a case is an entry the
// applicant sees with an inclusion proof that verifies against a signed tree head; heads are
// signed with a key in /.well-known/jwks.json and each is consistent with the last; kill -9 during
// appends keeps every head ever published consistent with every later one; two servers on one
// PostgreSQL sequencing at once build one tree. Proofs are checked here with RFC 9162's
// algorithms written independently of the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, fillFields, simplePersonItem, DB_KIND, dropPgDatabase, createPgDatabase } from './lib.mjs';

const sha256 = (...parts) => createHash('sha256').update(Buffer.concat(parts)).digest();
const leafHash = (leaf) => sha256(Buffer.from([0]), leaf);
const nodeHash = (l, r) => sha256(Buffer.from([1]), l, r);
const b64 = (s) => Buffer.from(s, 'base64');

// RFC 9162 2.1.3.2.
export function verifyInclusion(index, size, leaf, path, root) {
  if (index >= size) return false;
  let fn = BigInt(index), sn = BigInt(size) - 1n, r = leaf;
  for (const p of path) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      if ((fn & 1n) === 0n) while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n; sn >>= 1n;
  }
  return sn === 0n && r.equals(root);
}

// RFC 9162 2.1.4.2.
export function verifyConsistency(first, second, firstRoot, secondRoot, proof) {
  if (first > second) return false;
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (first === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  let path = proof;
  if ((first & (first - 1)) === 0) path = [firstRoot, ...proof];  // first is a power of two
  let fn = BigInt(first) - 1n, sn = BigInt(second) - 1n;
  while ((fn & 1n) === 1n) { fn >>= 1n; sn >>= 1n; }
  let fr = path[0], sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHash(c, fr); sr = nodeHash(c, sr);
      if ((fn & 1n) === 0n) while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1n; sn >>= 1n;
  }
  return sn === 0n && fr.equals(firstRoot) && sr.equals(secondRoot);
}

// The head's JWS verifies with a JWKS key and its payload is the head.
async function checkHead(client, head) {
  const [h, p, s] = head.signed.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url'));
  assert.equal(header.alg, 'EdDSA');
  const jwks = (await client.get('/.well-known/jwks.json')).data.keys;
  const jwk = jwks.find((k) => k.kid === header.kid);
  assert.ok(jwk, 'the head is signed by a key of the JWKS');
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
  assert.ok(verifySignature(null, Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url')), 'signature');
  const payload = JSON.parse(Buffer.from(p, 'base64url'));
  assert.deepEqual(payload, { tree_size: head.tree_size, root_hash: head.root_hash, timestamp: head.timestamp });
}

async function until(what, fn, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function submitCase(url) {
  const citizen = await Client.login(url, 'zhang.wei');
  const item = await simplePersonItem(citizen);
  const r = await citizen.post('/api/v1/applications', { item: item.code, channel: 'web', fields: fillFields(item) });
  assert.equal(r.status, 201, r.text);
  const reviewer = await Client.login(url, `reviewer.${item.department}`);
  return { citizen, reviewer, app: r.data };
}

async function checkConsistent(client, older, newer) {
  const r = await client.get(`/api/v1/log/proof/consistency?first=${older.tree_size}&second=${newer.tree_size}`);
  assert.equal(r.status, 200, r.text);
  assert.ok(verifyConsistency(older.tree_size, newer.tree_size, b64(older.root_hash), b64(newer.root_hash),
    r.data.proof.map(b64)), `head ${older.tree_size} is not consistent with head ${newer.tree_size}`);
}

test('an official opening a case is an entry the applicant sees, with a proof against a signed head', async () => {
  const server = await startServer();
  try {
    const { citizen, reviewer, app } = await submitCase(server.url);
    const before = await until('the first head', async () => {
      const r = await citizen.get('/api/v1/log/tree-head');
      return r.status === 200 && r.data;
    });
    await checkHead(citizen, before);
    // The submission's fetches of shared data are entries of the case (issue 9 item 4); the
    // applicant reading their own case is no entry.
    const fetched = (await citizen.get('/api/v1/me/access-log')).data.items;
    assert.ok(fetched.every((e) => e.dataset !== 'application' && e.application === app.id), JSON.stringify(fetched));
    assert.equal((await citizen.get(`/api/v1/applications/${app.id}`)).status, 200);
    assert.equal((await citizen.get('/api/v1/me/access-log')).data.items.length, fetched.length);
    assert.equal((await reviewer.get(`/api/v1/applications/${app.id}`)).status, 200);
    const entry = await until('the entry to be sequenced', async () => {
      const r = await citizen.get('/api/v1/me/access-log');
      assert.equal(r.status, 200, r.text);
      assert.equal(r.data.items.length, fetched.length + 1);
      return r.data.items.every((e) => e.status === 'sequenced') && r.data;
    });
    const item = entry.items.find((e) => e.dataset === 'application');
    const head = entry.tree_head;
    await checkHead(citizen, head);
    assert.equal(item.dataset, 'application');
    assert.equal(item.accessor.user, reviewer.user.id);
    assert.equal(item.accessor.role, 'reviewer');
    assert.equal(item.application, app.id);
    assert.ok(Array.isArray(item.fields));
    assert.ok(item.purpose && item.legal_basis && item.time);
    // The leaf: the exact bytes, canonical JSON, no id number; the person recomputes the commitment.
    const leaf = b64(item.leaf);
    const parsed = JSON.parse(leaf.toString('utf8'));
    assert.equal(parsed.v, 1);
    const me = (await citizen.get('/api/v1/me')).data;
    assert.ok(!leaf.toString('utf8').includes(me.person_id));
    assert.equal(parsed.subject,
      createHash('sha256').update(`tongban-access-log-subject-v1:${item.subject_salt}:${me.person_id}`).digest('hex'));
    // Its inclusion proof verifies against the signed head, read by anyone without signing in.
    const anyone = new Client(server.url);
    const proof = await anyone.get(`/api/v1/log/proof/inclusion?leaf_index=${item.leaf_index}&tree_size=${head.tree_size}`);
    assert.equal(proof.status, 200, proof.text);
    assert.deepEqual(b64(proof.data.leaf_hash), leafHash(leaf));
    assert.ok(verifyInclusion(item.leaf_index, head.tree_size, leafHash(leaf), proof.data.audit_path.map(b64),
      b64(head.root_hash)));
    await checkConsistent(anyone, before, head);
    // Other people see none of it; the log's routes refuse nonsense.
    const other = await Client.login(server.url, 'li.na');
    assert.equal((await other.get('/api/v1/me/access-log')).data.items.length, 0);
    assert.equal((await anyone.get('/api/v1/me/access-log')).status, 401);
    for (const q of ['leaf_index=0&tree_size=0', 'leaf_index=-1&tree_size=1', 'leaf_index=x&tree_size=1',
      `leaf_index=0&tree_size=${head.tree_size + 1}`, 'tree_size=1']) {
      const r = await anyone.get(`/api/v1/log/proof/inclusion?${q}`);
      assert.equal(r.status, 400, q);
      assert.equal(r.data.error.code, 'invalid_argument');
    }
    assert.equal((await anyone.get('/api/v1/log/proof/consistency?first=2&second=1')).status, 400);
    assert.equal((await citizen.get('/api/v1/me/access-log?page_token=zz')).status, 400);
  } finally {
    await server.stop();
  }
});

test('kill -9 during appends: every head published before is consistent with every head after', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-log-crash-'));
  try {
    const first = await startServer({ dir });
    const { reviewer, app } = await submitCase(first.url);
    const heads = [];
    let stop = false;
    const reader = async () => {
      while (!stop) {
        try { await reviewer.get(`/api/v1/applications/${app.id}`); } catch { return; }
      }
    };
    const watcher = async () => {
      while (!stop) {
        try {
          const r = await reviewer.get('/api/v1/log/tree-head');
          if (r.status === 200 && (heads.length === 0 || heads.at(-1).tree_size !== r.data.tree_size)) heads.push(r.data);
        } catch { return; }
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const running = [...Array.from({ length: 6 }, reader), watcher()];
    await until('three heads with entries', async () => heads.filter((h) => h.tree_size > 0).length >= 3, 20000);
    await first.kill9();
    stop = true;
    await Promise.all(running);

    const second = await startServer({ dir, db: first.dbUrl });
    try {
      const client = new Client(second.url);
      const latest = await until('a head after the restart', async () => {
        const r = await client.get('/api/v1/log/tree-head');
        return r.status === 200 && r.data.tree_size >= heads.at(-1).tree_size && r.data;
      });
      // New reads after the restart grow the same tree.
      const again = await Client.login(second.url, reviewer.user.username);
      assert.equal((await again.get(`/api/v1/applications/${app.id}`)).status, 200);
      const grown = await until('the tree to grow', async () => {
        const r = await client.get('/api/v1/log/tree-head');
        return r.data.tree_size > latest.tree_size && r.data;
      });
      for (const h of [...heads, latest]) {
        await checkHead(client, h);
        await checkConsistent(client, h, grown);
      }
    } finally {
      await second.stop();
      if (DB_KIND === 'postgres') dropPgDatabase(first.dbUrl);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('two servers on one PostgreSQL appending at once build one consistent tree',
  { skip: DB_KIND !== 'postgres' && 'PostgreSQL only (TONGBAN_TEST_DB=postgres)' }, async () => {
    const db = createPgDatabase();
    const a = await startServer({ db });
    const b = await startServer({ db });
    try {
      const one = await submitCase(a.url);
      const two = await submitCase(b.url);
      // Submitting logs reads too (materials fetched from shared data, all of them 张伟's), and so
      // does each server's start-up (the benefits-without-applying job checks who qualifies).
      // Once none of his entries is pending and the tree has stopped growing, the officials' 100
      // reads come on top of what it holds.
      const client = new Client(a.url);
      const mine = await until('the submissions\' reads sequenced', async () => {
        const r = await one.citizen.get('/api/v1/me/access-log');
        return r.status === 200 && r.data.items.every((e) => e.status === 'sequenced') && r.data;
      });
      assert.equal(mine.next_page_token ?? null, null);
      const settled = await until('the tree to stop growing', async () => {
        const first = (await client.get('/api/v1/log/tree-head')).data;
        await new Promise((r) => setTimeout(r, 1500));
        const second = (await client.get('/api/v1/log/tree-head')).data;
        return second.tree_size === first.tree_size && second.tree_size >= mine.items.length && second;
      });
      const base = settled.tree_size;
      const readers = [];
      for (const [server, c] of [[a, one], [b, two], [a, two], [b, one]]) {
        const reader = await Client.login(server.url, c.reviewer.user.username);
        readers.push((async () => {
          for (let i = 0; i < 25; i++) assert.equal((await reader.get(`/api/v1/applications/${c.app.id}`)).status, 200);
        })());
      }
      await Promise.all(readers);
      const head = await until('all 100 reads sequenced', async () => {
        const r = await client.get('/api/v1/log/tree-head');
        return r.status === 200 && r.data.tree_size >= base + 100 && r.data;
      });
      assert.equal(head.tree_size, base + 100);
      const fromB = (await new Client(b.url).get('/api/v1/log/tree-head')).data;
      assert.deepEqual(fromB.root_hash, head.root_hash);
      for (let i = 0; i < head.tree_size; i += 7) {
        const p = (await client.get(`/api/v1/log/proof/inclusion?leaf_index=${i}&tree_size=${head.tree_size}`)).data;
        assert.ok(verifyInclusion(i, head.tree_size, b64(p.leaf_hash), p.audit_path.map(b64), b64(head.root_hash)), `leaf ${i}`);
      }
    } finally {
      await a.stop();
      await b.stop();
      dropPgDatabase(db);
    }
  });
