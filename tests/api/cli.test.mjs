// The command line: catalogue check, configuration errors with file:line, user add, migrate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, DB_KIND, ROOT, startServer, Client, createPgDatabase, dropPgDatabase } from './lib.mjs';

function run(args, input) {
  const r = spawnSync(BIN, args, { cwd: ROOT, input, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function withTemp(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-cli-'));
  try { return await fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('catalogue check accepts the demo city and names file:line of a mistake', () => withTemp((dir) => {
  const good = run(['catalogue', 'check', join(ROOT, 'catalogue')]);
  assert.equal(good.code, 0, good.err);
  assert.match(good.out, /OK/);
  cpSync(join(ROOT, 'catalogue'), join(dir, 'cat'), { recursive: true });
  const file = join(dir, 'cat/items/market.yaml');
  const lines = readFileSync(file, 'utf8').split('\n');
  const at = lines.findIndex((l) => l.includes('promised_limit_days: 1'));
  assert.ok(at > 0);
  lines[at] = lines[at].replace('promised_limit_days: 1', 'promised_limit_days: 99');
  writeFileSync(file, lines.join('\n'));
  const bad = run(['catalogue', 'check', join(dir, 'cat')]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.err, new RegExp(`items/market\\.yaml:${at + 1}: .*promised`));
}));

test('serve refuses a bad configuration file with the line and the reason', () => withTemp((dir) => {
  const config = join(dir, 'bad.yaml');
  writeFileSync(config, 'listen: 127.0.0.1:0\nthreads: many\nlimits:\n  max_body_bytez: 10\n');
  const r = run(['serve', '--config', config, '--db', `sqlite:${join(dir, 'x.db')}`]);
  assert.equal(r.code, 2);
  assert.match(r.err, /bad\.yaml:2: threads must be a whole number/);
  assert.match(r.err, /bad\.yaml:4: unknown setting 'max_body_bytez'/);
  const example = readFileSync(join(ROOT, 'config/tongban.example.yaml'), 'utf8');
  writeFileSync(join(dir, 'good.yaml'), example.replace('127.0.0.1:8080', '127.0.0.1:99999'));
  const port = run(['serve', '--config', join(dir, 'good.yaml'), '--db', `sqlite:${join(dir, 'x.db')}`]);
  assert.equal(port.code, 2);
  assert.match(port.err, /good\.yaml:\d+: listen address/);
}));

test('user add creates a user who can sign in; migrate is idempotent', async () => withTemp(async (dir) => {
  const db = DB_KIND === 'postgres' ? createPgDatabase() : `sqlite:${join(dir, 'u.db')}`;
  try {
    await userAddAndMigrate(dir, db);
  } finally {
    if (DB_KIND === 'postgres') dropPgDatabase(db);
  }
}));

async function userAddAndMigrate(dir, db) {
  assert.equal(run(['migrate', '--db', db]).code, 0);
  assert.equal(run(['migrate', '--db', db]).code, 0);
  const add = run(['user', 'add', '--db', db, '--username', 'wu.lei', '--password-stdin', '--role', 'citizen',
    '--person', '310115199001010010', '--name', '吴磊'], 'a-very-long-secret\n');
  assert.equal(add.code, 0, add.err);
  const badId = run(['user', 'add', '--db', db, '--username', 'wu.two', '--password-stdin', '--role', 'citizen',
    '--person', '310115199001010012', '--name', '吴二'], 'a-very-long-secret\n');
  assert.notEqual(badId.code, 0, 'a corrupted resident id is refused');
  const dup = run(['user', 'add', '--db', db, '--username', 'wu.lei', '--password-stdin', '--role', 'citizen',
    '--person', '310115199001010010', '--name', '吴磊'], 'a-very-long-secret\n');
  assert.notEqual(dup.code, 0);
  const reviewer = run(['user', 'add', '--db', db, '--username', 'rev.tax', '--password-stdin', '--role', 'reviewer',
    '--department', 'tax', '--name', 'Tax reviewer'], 'another-long-secret\n');
  assert.equal(reviewer.code, 0, reviewer.err);
  const server = await startServer({ dir, db });
  try {
    const c = await Client.login(server.url, 'wu.lei', 'a-very-long-secret');
    assert.deepEqual(c.user.roles, ['citizen']);
    const r = await Client.login(server.url, 'rev.tax', 'another-long-secret');
    assert.deepEqual(r.user.roles, ['reviewer']);
  } finally {
    await server.stop();
  }
}

test('every setting of the file can be given on the command line, which wins', async () => withTemp(async (dir) => {
  const config = join(dir, 'small.yaml');
  writeFileSync(config, 'limits:\n  max_body_bytes: 1024\naccess_log: false\n');
  // Padded with a field sign-in ignores: a password over 1024 bytes is refused before sign-in.
  const body = JSON.stringify({ username: 'zhang.wei', password: 'not-the-password', padding: 'x'.repeat(5000) });
  const post = (url) => fetch(url + '/api/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const fromFile = await startServer({ dir, extraArgs: ['--config', config] });
  try {
    assert.equal((await post(fromFile.url)).status, 413, 'the file sets a 1 KB limit');
  } finally {
    await fromFile.stop();
  }
  const overridden = await startServer({ dir, extraArgs: ['--config', config, '--max-body-bytes', '100000'] });
  try {
    assert.equal((await post(overridden.url)).status, 401, 'the command line raises it');
  } finally {
    await overridden.stop();
  }
  const help = run(['serve', '--help']).out;
  for (const option of ['--listen', '--db', '--catalogue', '--web', '--openapi', '--threads', '--max-body-bytes',
    '--read-timeout-seconds', '--write-timeout-seconds', '--idle-timeout-seconds', '--shutdown-grace-seconds',
    '--languages', '--trust-forwarded-for', '--secure-cookies', '--public-url', '--access-log', '--keys-dir', '--catalogue-refresh-seconds',
    '--max-connections', '--max-connections-per-address', '--worker-threads', '--worker-queue']) {
    assert.ok(help.includes(option), option);
  }
}));
