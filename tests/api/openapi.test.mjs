// docs/openapi.json describes exactly the API routes the server has, and is served.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, startServer } from './lib.mjs';

test('every API route is documented and every documented route exists', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-routes-'));
  try {
    const out = execFileSync(BIN, ['routes', '--db', `sqlite:${join(dir, 'r.db')}`], { cwd: ROOT }).toString();
    const served = new Set(out.trim().split('\n').filter((l) => / \/(api|\.well-known)\//.test(l)));
    const doc = JSON.parse(readFileSync(join(ROOT, 'docs/openapi.json'), 'utf8'));
    assert.equal(doc.openapi, '3.1.0');
    const documented = new Set();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops)) documented.add(`${method.toUpperCase()} ${path}`);
    }
    assert.deepEqual([...served].filter((r) => !documented.has(r)), [], 'served but not documented');
    assert.deepEqual([...documented].filter((r) => !served.has(r)), [], 'documented but not served');
    assert.ok(served.size >= 15);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the document is served at /api/v1/openapi.json', async () => {
  const server = await startServer();
  try {
    const r = await fetch(server.url + '/api/v1/openapi.json');
    assert.equal(r.status, 200);
    const served = await r.json();
    assert.deepEqual(served, JSON.parse(readFileSync(join(ROOT, 'docs/openapi.json'), 'utf8')));
  } finally {
    await server.stop();
  }
});
