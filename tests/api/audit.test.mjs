// `tongban audit verify --url URL`: passes against a running server whose heads grow, and fails
// (exit 1, naming why) against a tampered head, a head whose signature does not verify, and a
// head that is not consistent with the last one it saw (the state file).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, startServer, Client, fillFields, simplePersonItem } from './lib.mjs';

function audit(args) {
  return new Promise((resolve) => {
    const p = spawn(BIN, ['audit', 'verify', ...args], { cwd: ROOT });
    let out = '', err = '';
    p.stdout.on('data', (c) => { out += c; });
    p.stderr.on('data', (c) => { err += c; });
    p.on('exit', (code) => resolve({ code, out, err }));
  });
}

// A proxy to `target` that lets `rewrite(path, json)` change JSON answers.
async function tamperingProxy(target, rewrite) {
  const server = createServer(async (req, res) => {
    const r = await fetch(target + req.url);
    let body = await r.text();
    try { body = JSON.stringify(rewrite(req.url, JSON.parse(body))); } catch { /* not JSON */ }
    res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
    res.end(body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

async function until(fn, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('audit verify passes against a running server and fails against tampered heads', async () => {
  const server = await startServer();
  const dir = mkdtempSync(join(tmpdir(), 'tongban-audit-'));
  try {
    const citizen = await Client.login(server.url, 'zhang.wei');
    const item = await simplePersonItem(citizen);
    const created = await citizen.post('/api/v1/applications', { item: item.code, channel: 'web', fields: fillFields(item) });
    const reviewer = await Client.login(server.url, `reviewer.${item.department}`);
    const client = new Client(server.url);
    await until(async () => (await client.get('/api/v1/log/tree-head')).status === 200);
    const state = join(dir, 'state.json');
    const first = await audit(['--url', server.url, '--state', state]);
    assert.equal(first.code, 0, first.err);
    // Reads grow the tree between two runs: the second run checks consistency with the state.
    for (let i = 0; i < 3; i++) assert.equal((await reviewer.get(`/api/v1/applications/${created.data.id}`)).status, 200);
    const size = JSON.parse(readFileSync(state, 'utf8')).tree_size;
    await until(async () => (await client.get('/api/v1/log/tree-head')).data.tree_size >= size + 3);
    const second = await audit(['--url', server.url, '--state', state, '--count', '2', '--interval', '1']);
    assert.equal(second.code, 0, second.err);
    assert.match(second.out, /consistent with head/);
    assert.match(second.out, /OK/);

    // A root changed after signing: the signed payload is not the head served.
    const flipped = await tamperingProxy(server.url, (path, json) => {
      if (path.startsWith('/api/v1/log/tree-head')) {
        const root = Buffer.from(json.root_hash, 'base64');
        root[0] ^= 1;
        json.root_hash = root.toString('base64');
      }
      return json;
    });
    try {
      const r = await audit(['--url', flipped.url]);
      assert.equal(r.code, 1);
      assert.match(r.err, /FAILED: the signed payload is not the head served/);
    } finally { await flipped.close(); }

    // A signature that does not verify.
    const forged = await tamperingProxy(server.url, (path, json) => {
      if (path.startsWith('/api/v1/log/tree-head')) {
        const [h, p, s] = json.signed.split('.');
        const sig = Buffer.from(s, 'base64url');
        sig[5] ^= 1;
        json.signed = `${h}.${p}.${sig.toString('base64url')}`;
      }
      return json;
    });
    try {
      const r = await audit(['--url', forged.url]);
      assert.equal(r.code, 1);
      assert.match(r.err, /FAILED: the head's signature/);
    } finally { await forged.close(); }

    // A log that forked from what the auditor saw before: the last head it remembers has another root.
    const seen = JSON.parse(readFileSync(state, 'utf8'));
    const other = Buffer.from(seen.root_hash, 'base64');
    other[31] ^= 0x80;
    writeFileSync(state, JSON.stringify({ tree_size: seen.tree_size, root_hash: other.toString('base64') }));
    assert.equal((await reviewer.get(`/api/v1/applications/${created.data.id}`)).status, 200);
    await until(async () => (await client.get('/api/v1/log/tree-head')).data.tree_size > seen.tree_size);
    const forked = await audit(['--url', server.url, '--state', state]);
    assert.equal(forked.code, 1);
    assert.match(forked.err, /not consistent/);
    // A server that cannot be reached fails too.
    const gone = await audit(['--url', 'http://127.0.0.1:1']);
    assert.equal(gone.code, 1);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
