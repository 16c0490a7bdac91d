// scripts/delta-demo.sh (issue 14 item 6): four platforms (sh, zj, js, ah) on 127.0.0.1, each with
// its own port, database, keys and demo city, each peered with the other three by fingerprint.
// `--check` asserts that every platform trusts the other three and that each platform's demo
// licence verifies at the other three, then stops them all. SQLite only: the script runs the demo
// city on the embedded database, as `make run` does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, DB_KIND, ROOT } from './lib.mjs';

test('issue 14 item 6: delta-demo.sh starts four peered platforms that accept each other\'s licences, and stops them',
  { skip: DB_KIND === 'postgres' && 'the demo runs on SQLite', timeout: 300000 }, async () => {
    // Ports below the kernel's ephemeral range, where the other suites' servers (port 0) never land.
    const port = 10000 + Math.floor(Math.random() * 20000);
    const dir = mkdtempSync(join(tmpdir(), 'tongban-delta-test-'));
    try {
      const { code, out, err } = await new Promise((resolvePromise) => {
        const child = spawn(join(ROOT, 'scripts/delta-demo.sh'), ['--check'], {
          cwd: ROOT,
          env: { ...process.env, TONGBAN: BIN, DELTA_PORT: String(port), DELTA_DIR: dir },
        });
        let o = '', e = '';
        child.stdout.on('data', (d) => { o += d; });
        child.stderr.on('data', (d) => { e += d; });
        child.on('close', (c) => resolvePromise({ code: c, out: o, err: e }));
      });
      assert.equal(code, 0, `delta-demo.sh --check failed:\n${out}\n${err}`);
      assert.match(out, /4 platforms, each trusting the other 3; every platform's demo licence verified by the other 3/);
      // Each platform had its own database and its own keys.
      for (const platform of ['sh', 'zj', 'js', 'ah']) {
        assert.ok(existsSync(join(dir, `${platform}.db`)), `${platform}.db`);
        assert.ok(readdirSync(join(dir, `keys-${platform}`)).length > 0, `keys-${platform}`);
      }
      // Nothing is left listening.
      await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
