// Decision records (issue 13 item 6): every published catalogue version is listed with who, when
// and why, and two versions are compared file by file, for the reform office and administrators.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, Client, startServer } from './lib.mjs';

test('decision records: a published change is listed with who and why, and compared side by side', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'tongban-decisions-'));
  const server = await startServer();
  try {
    cpSync(join(ROOT, 'catalogue'), join(tmp, 'cat'), { recursive: true });
    const file = join(tmp, 'cat/items/hrss.yaml');
    const original = readFileSync(file, 'utf8');
    const line = original.split('\n').findIndex((l) => l.includes('promised_limit_days:')) + 1;
    const changed = original.replace(/promised_limit_days: \d+/, 'promised_limit_days: 3');
    assert.notEqual(changed, original);
    writeFileSync(file, changed);
    const published = spawnSync(BIN, ['catalogue', 'publish', join(tmp, 'cat'), '--db', server.dbUrl,
      '--reason', 'promise the card in 3 working days', '--by', 'reform.office'], { cwd: ROOT, encoding: 'utf8', timeout: 60000 });
    assert.equal(published.status, 0, published.stderr);

    const admin = await Client.login(server.url, 'admin');
    const list = await admin.get('/api/v1/catalogue/versions');
    assert.equal(list.status, 200, list.text);
    assert.equal(list.data.items.length, 2);
    const [latest, first] = list.data.items;
    assert.equal(latest.version, 2);
    assert.equal(latest.published_by, 'reform.office');
    assert.equal(latest.reason, 'promise the card in 3 working days');
    assert.match(latest.published_at, /^\d{4}-\d\d-\d\dT/);
    assert.equal(first.version, 1);
    assert.equal(list.data.next_before, null);

    const c = await admin.get('/api/v1/catalogue/versions/2/comparison?with=1');
    assert.equal(c.status, 200, c.text);
    assert.equal(c.data.from.version, 1);
    assert.equal(c.data.to.version, 2);
    assert.deepEqual(c.data.files.map((f) => [f.path, f.change]), [['items/hrss.yaml', 'changed']]);
    const row = c.data.files[0].rows.find((r) => r.kind === 'changed');
    assert.equal(row.old_line, line);
    assert.match(row.old, /promised_limit_days: \d+/);
    assert.match(row.new, /promised_limit_days: 3/);

    const page = await admin.get('/office/decisions/compare?from=1&to=2');
    assert.equal(page.status, 200);
    assert.match(page.text, /promised_limit_days: 3/);
    assert.match(page.text, /promise the card in 3 working days/);
  } finally {
    await server.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('decision records: refused to a citizen, and bad version numbers say what to fix', async () => {
  const server = await startServer();
  try {
    const zhang = await Client.login(server.url, 'zhang.wei');
    const refused = await zhang.get('/api/v1/catalogue/versions');
    assert.equal(refused.status, 403);
    assert.equal(refused.data.error.code, 'permission_denied');
    const en = await zhang.get('/api/v1/catalogue/versions', { headers: { 'accept-language': 'en' } });
    assert.match(en.data.error.message, /reform office/);
    const page = await zhang.get('/office/decisions');
    assert.equal(page.status, 403);

    const admin = await Client.login(server.url, 'admin');
    for (const path of ['/api/v1/catalogue/versions/1/comparison', '/api/v1/catalogue/versions/x/comparison?with=1',
      '/api/v1/catalogue/versions?page_size=0', '/api/v1/catalogue/versions?before=-1']) {
      const r = await admin.get(path);
      assert.equal(r.status, 400, path);
      assert.equal(r.data.error.code, 'invalid_argument', path);
    }
    const missing = await admin.get('/api/v1/catalogue/versions/9/comparison?with=1');
    assert.equal(missing.status, 404);
  } finally {
    await server.stop();
  }
});
