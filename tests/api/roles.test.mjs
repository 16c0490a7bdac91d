// Role grants as decision records (issue 13 item 6), black box against the real binary (SQLite, or
// PostgreSQL with TONGBAN_TEST_DB=postgres): an administrator grants and withdraws an official's
// roles with a reason through the API and the CLI; sign-in sees the change at once; the platform's
// last administrator role cannot be withdrawn; the reform office lists every change newest first
// and compares the roles before and after a change, or between two days, side by side.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, Client, BIN, ROOT } from './lib.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

const texts = (lang) => JSON.parse(readFileSync(join(ROOT, `web/i18n/${lang}.json`), 'utf8'));
const cli = (args) => spawnSync(BIN, args, { cwd: ROOT, encoding: 'utf8', timeout: 60000 });
const roles = (username) => `/api/v1/admin/users/${username}/roles`;
const today = () => new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);  // the city's day (UTC+8)
const yesterday = () => new Date(Date.now() + 8 * 3600000 - 86400000).toISOString().slice(0, 10);

test('an administrator grants and withdraws a role with a reason; sign-in sees it; each change is recorded', async () => {
  const admin = await Client.login(server.url, 'admin', undefined, { lang: 'en' });
  const start = await admin.get(roles('clerk.market'));
  assert.equal(start.status, 200, start.text);
  assert.deepEqual(start.data.roles, ['clerk']);
  assert.equal(start.data.department, 'market');
  assert.equal(start.data.items.length, 1);
  assert.deepEqual([start.data.items[0].action, start.data.items[0].role, start.data.items[0].changed_by],
    ['created', 'clerk', 'demo']);
  assert.equal(start.headers.get('cache-control'), 'no-store');

  const granted = await admin.post(roles('clerk.market'), { role: 'supervisor', reason: 'joins the inspection team' });
  assert.equal(granted.status, 201, granted.text);
  assert.equal(granted.data.action, 'granted');
  assert.equal(granted.data.changed_by, 'admin');
  assert.equal(granted.data.reason, 'joins the inspection team');
  assert.deepEqual(granted.data.roles_after, ['clerk', 'supervisor']);
  const clerk = await Client.login(server.url, 'clerk.market');
  assert.deepEqual(clerk.user.roles, ['clerk', 'supervisor']);

  // Withdrawn with the reason in the query, then again (refused: not held) with it in the body.
  const withdrawn = await admin.request('DELETE', `${roles('clerk.market')}/supervisor?reason=${encodeURIComponent('inspection over')}`);
  assert.equal(withdrawn.status, 200, withdrawn.text);
  assert.equal(withdrawn.data.action, 'withdrawn');
  assert.equal(withdrawn.data.reason, 'inspection over');
  assert.deepEqual(withdrawn.data.roles_after, ['clerk']);
  const again = await admin.request('DELETE', `${roles('clerk.market')}/supervisor`, { json: { reason: 'twice' } });
  assert.equal(again.status, 409, again.text);
  assert.equal(again.data.error.message, texts('en')['error.roles.not_held']);
  assert.deepEqual((await Client.login(server.url, 'clerk.market')).user.roles, ['clerk']);

  const history = await admin.get(`${roles('clerk.market')}?page_size=2`);
  assert.equal(history.status, 200, history.text);
  assert.deepEqual(history.data.items.map((c) => [c.action, c.role]), [['withdrawn', 'supervisor'], ['granted', 'supervisor']]);
  assert.ok(history.data.next_page_token);
  const rest = await admin.get(`${roles('clerk.market')}?page_size=2&page_token=${encodeURIComponent(history.data.next_page_token)}`);
  assert.deepEqual(rest.data.items.map((c) => c.action), ['created']);
  assert.equal(rest.data.next_page_token, null);
});

test('refusals say what to fix: no reason, unknown role, a person, not an administrator, the last administrator', async () => {
  const admin = await Client.login(server.url, 'admin', undefined, { lang: 'en' });
  const cases = [
    [await admin.post(roles('reviewer.market'), { role: 'supervisor' }), 400, 'error.roles.reason_required'],
    [await admin.post(roles('reviewer.market'), { role: 'mayor', reason: 'x' }), 400, 'error.roles.unknown_role'],
    [await admin.post(roles('reviewer.market'), { role: 'reviewer', reason: 'x' }), 409, 'error.roles.already_held'],
    [await admin.post(roles('zhang.wei'), { role: 'clerk', reason: 'x' }), 400, 'error.roles.not_official'],
    [await admin.post(roles('nobody.here'), { role: 'clerk', reason: 'x' }), 404, 'error.user.not_found'],
    [await admin.post(roles('reform.office'), { role: 'reviewer', reason: 'x' }), 400, 'error.roles.needs_department'],
    [await admin.request('DELETE', `${roles('admin')}/admin?reason=leaving`), 409, 'error.roles.last_admin'],
  ];
  for (const [res, status, key] of cases) {
    assert.equal(res.status, status, `${key}: ${res.text}`);
    assert.equal(res.data.error.message, texts('en')[key]);
  }
  const reform = await Client.login(server.url, 'reform.office', undefined, { lang: 'en' });
  const forbidden = await reform.post(roles('clerk.market'), { role: 'supervisor', reason: 'x' });
  assert.equal(forbidden.status, 403, forbidden.text);
  assert.equal(forbidden.data.error.message, texts('en')['error.roles.admin_only']);
  assert.equal((await reform.get(roles('clerk.market'))).status, 403);
  const zh = await Client.login(server.url, 'admin', undefined, { lang: 'zh-CN' });
  const last = await zh.request('DELETE', `${roles('admin')}/admin?reason=leaving`);
  assert.equal(last.data.error.message, texts('zh')['error.roles.last_admin']);
  assert.ok((await admin.get(roles('admin'))).data.roles.includes('admin'));
});

test('the command line grants and withdraws with --reason and --by, under the same rules', async () => {
  const granted = cli(['user', 'grant-role', '--db', server.dbUrl, '--username', 'reviewer.hrss', '--role', 'admin',
    '--reason', 'second administrator for the night shift', '--by', 'li.ming']);
  assert.equal(granted.status, 0, granted.stderr);
  assert.match(granted.stdout, /Granted reviewer\.hrss admin/);
  const admin = await Client.login(server.url, 'admin');
  const listed = await admin.get(roles('reviewer.hrss'));
  assert.deepEqual(listed.data.roles, ['reviewer', 'admin']);
  assert.deepEqual([listed.data.items[0].changed_by, listed.data.items[0].reason],
    ['li.ming', 'second administrator for the night shift']);
  const noReason = cli(['user', 'grant-role', '--db', server.dbUrl, '--username', 'reviewer.hrss', '--role', 'supervisor',
    '--reason', ' ']);
  assert.notEqual(noReason.status, 0);
  assert.match(noReason.stderr, /error\.roles\.reason_required/);
  // With two administrators one may go; the other is then the last.
  const withdrawn = cli(['user', 'withdraw-role', '--db', server.dbUrl, '--username', 'reviewer.hrss', '--role', 'admin',
    '--reason', 'night shift over', '--by', 'li.ming']);
  assert.equal(withdrawn.status, 0, withdrawn.stderr);
  const last = cli(['user', 'withdraw-role', '--db', server.dbUrl, '--username', 'admin', '--role', 'admin', '--reason', 'x']);
  assert.notEqual(last.status, 0);
  assert.match(last.stderr, /error\.roles\.last_admin/);
});

test('the reform office lists role changes newest first and compares before and after, side by side', async () => {
  const admin = await Client.login(server.url, 'admin');
  const granted = await admin.post(roles('supervisor.market'), { role: 'data_owner', reason: 'owns the inspection data' });
  assert.equal(granted.status, 201, granted.text);
  const reform = await Client.login(server.url, 'reform.office');
  const list = await reform.get('/api/v1/decisions/role-changes?page_size=3');
  assert.equal(list.status, 200, list.text);
  assert.equal(list.data.items[0].id, granted.data.id);
  const times = list.data.items.map((c) => c.changed_at);
  assert.deepEqual([...times].sort().reverse(), times);
  assert.ok(list.data.next_page_token);

  const c = await reform.get(`/api/v1/decisions/role-changes/${granted.data.id}/comparison`);
  assert.equal(c.status, 200, c.text);
  assert.deepEqual(c.data.rows.map((r) => [r.kind, r.before, r.after]), [
    ['added', null, 'supervisor.market · data_owner · market'],
    ['same', 'supervisor.market · supervisor · market', 'supervisor.market · supervisor · market'],
  ]);
  const days = await reform.get(`/api/v1/decisions/role-comparison?from=${yesterday()}&to=${today()}`);
  assert.equal(days.status, 200, days.text);
  assert.ok(days.data.changes.some((ch) => ch.id === granted.data.id));
  assert.ok(days.data.rows.some((r) => r.kind === 'added' && r.after === 'supervisor.market · data_owner · market'));
  const bad = await reform.get(`/api/v1/decisions/role-comparison?from=${today()}&to=${yesterday()}`);
  assert.equal(bad.status, 400, bad.text);
  const citizen = await Client.login(server.url, 'zhang.wei');
  assert.equal((await citizen.get('/api/v1/decisions/role-changes')).status, 403);
  assert.equal((await reform.get('/api/v1/decisions/role-changes/nope/comparison')).status, 404);
});
