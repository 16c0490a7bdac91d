// The catalogue lives in the database as versions (who, when, why); a running server picks up a
// newly published version without a restart, and a broken folder is never published.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, startServer } from './lib.mjs';

function publish(dir, db, reason) {
  return spawnSync(BIN, ['catalogue', 'publish', dir, '--db', db, '--reason', reason, '--by', 'reform-office'],
    { cwd: ROOT, encoding: 'utf8', timeout: 60000 });
}

test('a published catalogue reaches a running server; a broken one is refused', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'tongban-publish-'));
  const server = await startServer({ extraArgs: ['--catalogue-refresh-seconds', '1'] });
  try {
    const item = '/api/v1/items/hrss.social-security-card';
    const before = await (await fetch(server.url + item)).json();
    cpSync(join(ROOT, 'catalogue'), join(tmp, 'cat'), { recursive: true });
    const file = join(tmp, 'cat/items/hrss.yaml');
    const original = readFileSync(file, 'utf8');
    assert.ok(original.includes(before.name.en));

    writeFileSync(file, original.replace('promised_limit_days:', 'promised_limit_dayz:'));
    const broken = publish(join(tmp, 'cat'), server.dbUrl, 'typo');
    assert.notEqual(broken.status, 0);
    assert.match(broken.stderr, /hrss\.yaml:\d+: /);

    const renamed = `${before.name.en} (renewed service)`;
    writeFileSync(file, original.replace(before.name.en, renamed));
    const ok = publish(join(tmp, 'cat'), server.dbUrl, 'clearer name for the card service');
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /version 2 is the latest/);
    const again = publish(join(tmp, 'cat'), server.dbUrl, 'same files');
    assert.match(again.stdout, /version 2 is the latest/, 'publishing the same files makes no new version');

    let seen;
    for (let i = 0; i < 50; i++) {
      seen = await (await fetch(server.url + item)).json();
      if (seen.name.en === renamed) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(seen.name.en, renamed, 'the running server serves the new version');
    const search = await (await fetch(server.url + '/api/v1/items?q=' + encodeURIComponent('renewed service'))).json();
    assert.ok(search.items.some((i) => i.code === 'hrss.social-security-card'), 'search uses the new version too');
  } finally {
    await server.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
});
